import type { App } from 'vue';
import { createI18n, I18nInjectionKey } from 'vue-i18n';
import zhCN, { type Messages } from './zh-CN';
import en from './en';
import { alertsEn, alertsZhCN } from './alerts';

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const LOCALE_STORAGE_KEY = 'hall.locale';

export function isLocale(value: unknown): value is Locale {
  return (LOCALES as readonly unknown[]).includes(value);
}

/** The locale remembered on this machine, zh-CN when none (or storage is unavailable). */
export function storedLocale(): Locale {
  try {
    const saved = localStorage.getItem(LOCALE_STORAGE_KEY);
    return isLocale(saved) ? saved : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

function createHallI18nInstance(locale: Locale) {
  return createI18n<[Messages & { alerts: typeof alertsZhCN }], Locale, false>({
    legacy: false,
    locale,
    fallbackLocale: 'zh-CN',
    messages: { 'zh-CN': { ...zhCN, alerts: alertsZhCN }, en: { ...en, alerts: alertsEn } },
    missingWarn: false,
    fallbackWarn: false,
  });
}

export type HallI18nInstance = ReturnType<typeof createHallI18nInstance>;

/**
 * The app's i18n as a plugin. Besides installing vue-i18n it provides the instance under
 * `I18nInjectionKey` (vue-i18n's install does not), so the ui store can switch the locale.
 */
export function createHallI18n(locale: Locale = storedLocale()) {
  const i18n = createHallI18nInstance(locale);
  return {
    i18n,
    install(app: App): void {
      app.use(i18n);
      app.provide(I18nInjectionKey, i18n);
    },
  };
}
