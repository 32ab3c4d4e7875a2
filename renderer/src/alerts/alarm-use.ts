/**
 * `useAlarm(() => store.alerts)`: the desk alarm (alarm.ts) wired to the app — the volume of the
 * ui store, reminders from the core (`alerts.reminder`), notification text in the UI language —
 * and provided to descendants so the top bar's AlarmControl can show and silence it. Call it once
 * in the component that owns the console screen (ShellView); it lives as long as that component.
 */
import { inject, onScopeDispose, provide, type InjectionKey } from 'vue';
import { useI18n } from 'vue-i18n';
import type { DeskAlert } from '../../../shared/contract/alerts';
import { useHallClient } from '../client/hall-client';
import { useUiStore } from '../stores/ui';
import { Alarm, type AlarmOptions } from './alarm';

export const ALARM: InjectionKey<Alarm> = Symbol('Alarm');

export type UseAlarmOptions = Pick<AlarmOptions, 'onSelect' | 'createAudio' | 'notifications' | 'focusWindow' | 'soundUrl'>;

export function useAlarm(alerts: () => readonly DeskAlert[], options: UseAlarmOptions = {}): Alarm {
  const client = useHallClient();
  const ui = useUiStore();
  const { t } = useI18n();
  const alarm = new Alarm({
    ...options,
    alerts,
    volume: () => ui.alarmVolume,
    notificationText: (a) => ({
      title: t('alarm.notifyTitle', { level: t(`alarm.level.${a.level}`) }),
      body: a.reminderMinutes === undefined ? a.headline : t('alarm.notifyReminder', { headline: a.headline, minutes: Math.round(a.reminderMinutes) }),
    }),
  });
  const stop = client.subscribe('alerts.reminder', (reminder) => alarm.remind(reminder));
  provide(ALARM, alarm);
  onScopeDispose(() => {
    stop();
    alarm.dispose();
  });
  return alarm;
}

/** The alarm provided by an ancestor's `useAlarm`, if any. */
export function injectAlarm(): Alarm | null {
  return inject(ALARM, null);
}
