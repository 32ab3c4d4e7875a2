/** UI preferences of this machine, remembered in localStorage: the language (zh-CN first) and the alarm volume. */
import { defineStore } from 'pinia';
import { inject, ref, watch } from 'vue';
import { I18nInjectionKey, type Composer } from 'vue-i18n';
import { LOCALE_STORAGE_KEY, storedLocale, type Locale } from '../i18n';

export const ALARM_VOLUME_KEY = 'hall.alarmVolume';
export const DEFAULT_ALARM_VOLUME = 80;

function clampVolume(value: number): number {
  return Number.isFinite(value) ? Math.min(100, Math.max(0, Math.round(value))) : DEFAULT_ALARM_VOLUME;
}

function storedAlarmVolume(): number {
  try {
    const saved = localStorage.getItem(ALARM_VOLUME_KEY);
    return saved === null ? DEFAULT_ALARM_VOLUME : clampVolume(Number(saved));
  } catch {
    return DEFAULT_ALARM_VOLUME;
  }
}

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

  // ---- Alarm volume (renderer/src/alerts): 0–100 %, remembered on this machine ----------------
  const alarmVolume = ref<number>(storedAlarmVolume());
  watch(alarmVolume, (next) => {
    try {
      localStorage.setItem(ALARM_VOLUME_KEY, String(clampVolume(next)));
    } catch {
      // Not remembered when storage is disabled.
    }
  });
  function setAlarmVolume(next: number): void {
    alarmVolume.value = clampVolume(next);
  }

  return { locale, setLocale, toggleLocale, alarmVolume, setAlarmVolume };
});
