import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { createHallClient } from './client/create-client';
import { HALL_CLIENT } from './client/hall-client';
import { createHallI18n } from './i18n';
import { createHallRouter } from './router';
import './styles/theme.css';

const app = createApp(App);
app.provide(HALL_CLIENT, createHallClient());
app.use(createHallI18n());
app.use(createPinia());
app.use(createHallRouter());
app.mount('#app');
