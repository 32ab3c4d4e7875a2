/** UI preferences of this machine: the language (zh-CN first), remembered in localStorage. */
import { defineStore } from 'pinia';
import { inject, ref, watch } from 'vue';
import { I18nInjectionKey, type Composer } from 'vue-i18n';
import { LOCALE_STORAGE_KEY, storedLocale, type Locale } from '../i18n';

export const useUiStore = defineStore('ui', () => {
  // The app's i18n instance (Composition mode): its global composer holds the active locale.
  const i18n = inject(I18nInjectionKey) as { global: Composer } | undefined;
  const locale = ref<Locale>(i18n ? (i18n.global.locale.value as Locale) : storedLocale());

  watch(
    locale,
    (next) => {
      if (i18n) i18n.global.locale.value = next;
      document.documentElement.lang = next === 'en' ? 'en' : 'zh-CN';
      try {
        localStorage.setItem(LOCALE_STORAGE_KEY, next);
      } catch {
        // Not remembered when storage is disabled; the choice still applies to this page.
      }
    },
    { flush: 'sync', immediate: true },
  );

  function setLocale(next: Locale): void {
    locale.value = next;
  }

  function toggleLocale(): void {
    locale.value = locale.value === 'zh-CN' ? 'en' : 'zh-CN';
  }

  return { locale, setLocale, toggleLocale };
});
