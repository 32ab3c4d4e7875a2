/**
 * Routes of the one renderer: the console shell and its rooms, the login, a wall display
 * (`/wall/:screenId`, never asks for a login) and the decision room. HTML5 history: the web
 * host answers unknown paths with index.html.
 */
import { createRouter, createWebHistory, type RouteRecordRaw, type RouterHistory } from 'vue-router';
import { useSessionStore } from '../stores/session';
import LoginView from '../views/LoginView.vue';
import ShellView from '../views/ShellView.vue';
import OverviewView from '../views/OverviewView.vue';
import SettingsView from '../views/SettingsView.vue';
import RoomPlaceholder from '../views/RoomPlaceholder.vue';
import WallView from '../views/WallView.vue';
import DecisionView from '../views/DecisionView.vue';

import { ROOMS, type Room } from './rooms';
import { safeRedirect } from './redirect';

const ROOM_VIEWS: Partial<Record<Room, RouteRecordRaw['component']>> = {
  overview: OverviewView,
  alerts: () => import('../views/AlertDeskView.vue'),
  // maplibre is large: the map room is its own chunk, loaded when first opened.
  map: () => import('../views/MapView.vue'),
  wall: () => import('../views/WallRoomView.vue'),
  warnings: () => import('../views/WarningsView.vue'),
  incidents: () => import('../views/IncidentsView.vue'),
  settings: SettingsView,
};

export const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: LoginView },
  {
    path: '/',
    component: ShellView,
    meta: { requiresAuth: true },
    children: [
      { path: '', redirect: { name: 'overview' } },
      ...ROOMS.map<RouteRecordRaw>((room) => ({
        path: room,
        name: room,
        component: ROOM_VIEWS[room] ?? RoomPlaceholder,
        meta: { requiresAuth: true, room },
        ...(ROOM_VIEWS[room] ? {} : { props: { room } }),
      })),
      // Pages of the warnings room (its tabs); meta.room keeps 预警发布 lit in the nav rail.
      { path: 'warnings/contacts', name: 'warnings-contacts', component: () => import('../views/ContactsView.vue'), meta: { requiresAuth: true, room: 'warnings' } },
      { path: 'warnings/devices', name: 'warnings-devices', component: () => import('../views/DevicesView.vue'), meta: { requiresAuth: true, room: 'warnings' } },
    ],
  },
  { path: '/wall/:screenId', name: 'wall-screen', component: WallView, props: true },
  { path: '/decision', name: 'decision', component: DecisionView, meta: { requiresAuth: true } },
  { path: '/:unknown(.*)*', redirect: '/' },
];

export function createHallRouter(history: RouterHistory = createWebHistory()) {
  const router = createRouter({ history, routes });
  router.beforeEach(async (to) => {
    if (to.name === 'wall-screen') return true; // a wall authenticates with its own token
    const session = useSessionStore();
    await session.restore();
    if (to.name === 'login') return session.status === 'signedIn' ? safeRedirect(to.query['redirect']) : true;
    if (to.meta.requiresAuth && session.status !== 'signedIn') return { name: 'login', query: { redirect: to.fullPath } };
    return true;
  });
  return router;
}
