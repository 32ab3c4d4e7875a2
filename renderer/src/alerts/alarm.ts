/**
 * The desk's audible alarm and desktop notifications.
 *
 * Given the live list of desk alerts, the alarm rings while any alert is unacknowledged (state
 * 'new'): the sound of the highest level among them, on loop, through one <audio> element kept in
 * the document (data-testid="alert-alarm", data-level). It stops when none is left 'new'.
 *
 * Silencing ("mute") is per alert set, never a standing switch: it silences the alerts ringing
 * now, and any alert arriving afterwards (or one whose level rises) rings again. Acknowledging is
 * the real silence. A reminder from the core (`alerts.reminder`) rings again even if silenced.
 * If the browser refuses to play without a user gesture (autoplay policy), `blocked` turns true
 * so the control can show "click to enable sound"; the next click or key anywhere retries.
 *
 * New orange/red alerts also raise a desktop notification (web Notification API; permission asked
 * once); clicking it focuses the window and calls `onSelect(id)`.
 *
 * `Alarm` is plain (no component, no client) so tests drive it with a list and fakes;
 * `useAlarm` (alarm-use.ts) wires it to the hall client, the ui store and i18n.
 */
import { computed, effectScope, ref, shallowRef, watch, type ComputedRef, type EffectScope, type Ref } from 'vue';
import type { AlertLevel, DeskAlert } from '../../../shared/contract/alerts';
import { alarmSoundUrl } from './alarm-sounds';
import { highestLevel, levelRank } from './alarm-levels';

export { highestLevel };

/** What `alerts.reminder` carries. */
export interface AlarmReminder {
  id: string;
  stage: number;
  level: AlertLevel;
  headline: string;
  minutes: number;
}

/** The part of a shown notification the alarm uses. */
export interface NotificationHandle {
  onclick: ((this: never, event: Event) => unknown) | null;
  close(): void;
}

/** The web Notification API's shape (the global `Notification` fits; tests pass a fake). */
export interface NotificationApi {
  readonly permission: NotificationPermission;
  requestPermission(): Promise<NotificationPermission>;
  new (title: string, options?: NotificationOptions): NotificationHandle;
}

export interface NotificationText {
  title: string;
  body: string;
}

export interface AlarmOptions {
  /** The live list (e.g. `() => store.alerts`); read inside a computed, so it may be reactive. */
  alerts: () => readonly DeskAlert[];
  /** Volume 0–100 (e.g. `() => ui.alarmVolume`). Default 80. */
  volume?: () => number;
  /** Makes the one audio element (default `new Audio()`). */
  createAudio?: () => HTMLAudioElement;
  /** The sound of a level (default: the bundled WAV files). */
  soundUrl?: (level: AlertLevel) => string;
  /** The Notification API, or null for none (default: the global one, when there is one). */
  notifications?: NotificationApi | null;
  /** Title and body of a notification (default: the headline). */
  notificationText?: (alert: Pick<DeskAlert, 'id' | 'level' | 'headline'> & { reminderMinutes?: number }) => NotificationText;
  /** A notification was clicked: select this alert (the window was focused already). */
  onSelect?: (id: string) => void;
  /** Bring the window to the front (default `window.focus()`). */
  focusWindow?: () => void;
  /** Where the audio element lives and user gestures are heard (default `document`). */
  document?: Document;
}

/** Levels notified on the desktop. */
export const NOTIFY_LEVELS: readonly AlertLevel[] = ['orange', 'red'];
/** More new alerts than this at once give one summary notification. */
const MAX_NOTIFICATIONS_AT_ONCE = 3;

const rank = levelRank;

/** An alert at a level: silencing and notifying are per (alert, level), so a raised level counts as new. */
const keyOf = (a: { id: string; level: AlertLevel }): string => `${a.id}:${a.level}`;

function defaultNotifications(): NotificationApi | null {
  return typeof Notification === 'function' ? Notification : null;
}

export class Alarm {
  /** The level ringing now, null when quiet. */
  readonly level: ComputedRef<AlertLevel | null>;
  readonly ringing: ComputedRef<boolean>;
  /** Alerts still unacknowledged ('new'), silenced or not. */
  readonly unacknowledged: ComputedRef<readonly DeskAlert[]>;
  /** The browser refused to play without a user gesture: ask the operator to click. */
  readonly blocked: Ref<boolean> = ref(false);
  /** The latest reminder, until silenced or its alert is no longer 'new'. */
  readonly reminder: Ref<AlarmReminder | null> = shallowRef(null);
  readonly audio: HTMLAudioElement;

  private readonly silenced = shallowRef<ReadonlySet<string>>(new Set());
  /** Reminded alerts ringing even if the list does not (yet) show them 'new': id → level. */
  private readonly forced = shallowRef<ReadonlyMap<string, AlertLevel>>(new Map());
  private readonly notified = new Set<string>();
  private readonly shown = new Map<string, NotificationHandle>();
  private readonly scope: EffectScope;
  private readonly doc: Document;
  private readonly notifications: NotificationApi | null;
  private permissionAsked = false;
  private disposed = false;
  private readonly onGesture = (): void => {
    if (this.blocked.value) this.play(true);
    this.askPermission();
  };

  constructor(private readonly options: AlarmOptions) {
    this.doc = options.document ?? document;
    this.notifications = options.notifications === undefined ? defaultNotifications() : options.notifications;
    this.audio = (options.createAudio ?? (() => new Audio()))();
    this.audio.loop = true;
    this.audio.preload = 'auto';
    this.audio.hidden = true;
    this.audio.dataset['testid'] = 'alert-alarm';
    this.audio.dataset['level'] = '';
    this.doc.body.appendChild(this.audio);
    this.doc.addEventListener('pointerdown', this.onGesture, true);
    this.doc.addEventListener('keydown', this.onGesture, true);

    this.scope = effectScope(true);
    const scoped = this.scope.run(() => {
      const unacknowledged = computed(() => options.alerts().filter((a) => a.state === 'new'));
      /** Ids the list shows in a state other than 'new' (a reminder for one of them is stale). */
      const settled = computed(() => new Set(options.alerts().filter((a) => a.state !== 'new').map((a) => a.id)));
      const level = computed<AlertLevel | null>(() => {
        const levels: AlertLevel[] = unacknowledged.value.filter((a) => !this.silenced.value.has(keyOf(a))).map((a) => a.level);
        for (const [id, forcedLevel] of this.forced.value) if (!settled.value.has(id)) levels.push(forcedLevel);
        return highestLevel(levels);
      });
      return { unacknowledged, settled, level };
    })!;
    this.unacknowledged = scoped.unacknowledged;
    this.level = scoped.level;
    this.ringing = computed(() => this.level.value !== null);

    this.scope.run(() => {
      // Forget silences and reminders of alerts that are no longer 'new'.
      watch(scoped.unacknowledged, (now) => {
        const keys = new Set(now.map(keyOf));
        if ([...this.silenced.value].some((k) => !keys.has(k))) this.silenced.value = new Set([...this.silenced.value].filter((k) => keys.has(k)));
        const ids = new Set(now.map((a) => a.id));
        for (const [id, handle] of this.shown) {
          if (!ids.has(id)) {
            handle.close();
            this.shown.delete(id);
          }
        }
      });
      watch(scoped.settled, (settled) => {
        if ([...this.forced.value.keys()].some((id) => settled.has(id))) {
          this.forced.value = new Map([...this.forced.value].filter(([id]) => !settled.has(id)));
        }
        if (this.reminder.value && settled.has(this.reminder.value.id)) this.reminder.value = null;
      });
      watch(scoped.level, () => this.play(false), { immediate: true });
      watch(() => (options.volume ? options.volume() : 80), (volume) => this.applyVolume(volume), { immediate: true });
      watch(scoped.unacknowledged, (now) => this.notifyNew(now), { immediate: true });
    });
  }

  /** Silence what rings now; a later alert (or a reminder) rings again. */
  silence(): void {
    this.silenced.value = new Set([...this.silenced.value, ...this.unacknowledged.value.map(keyOf)]);
    this.forced.value = new Map();
    this.reminder.value = null;
  }

  /** A reminder from the core: ring again for this alert, even if it was silenced. */
  remind(reminder: AlarmReminder): void {
    const stale = this.options.alerts().some((a) => a.id === reminder.id && a.state !== 'new');
    if (stale) return;
    this.silenced.value = new Set([...this.silenced.value].filter((k) => !k.startsWith(`${reminder.id}:`)));
    this.forced.value = new Map([...this.forced.value, [reminder.id, reminder.level]]);
    this.reminder.value = reminder;
    this.play(true);
    if (NOTIFY_LEVELS.includes(reminder.level)) {
      this.notify({ id: reminder.id, level: reminder.level, headline: reminder.headline, reminderMinutes: reminder.minutes });
    }
  }

  /** Retry playing after the operator clicked "enable sound" (a user gesture). */
  unlock(): void {
    this.askPermission();
    this.play(true);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.scope.stop();
    this.audio.pause();
    this.audio.remove();
    this.doc.removeEventListener('pointerdown', this.onGesture, true);
    this.doc.removeEventListener('keydown', this.onGesture, true);
    for (const handle of this.shown.values()) handle.close();
    this.shown.clear();
  }

  private applyVolume(volume: number): void {
    const v = Number.isFinite(volume) ? Math.min(100, Math.max(0, volume)) : 80;
    this.audio.volume = v / 100;
  }

  /** Make the element match `level`: quiet, or the level's sound on loop (`restart`: from its start). */
  private play(restart: boolean): void {
    if (this.disposed) return;
    const level = this.level.value;
    const audio = this.audio;
    if (level === null) {
      if (!audio.paused) audio.pause();
      audio.dataset['level'] = '';
      this.blocked.value = false;
      return;
    }
    const url = (this.options.soundUrl ?? alarmSoundUrl)(level);
    const changed = audio.dataset['level'] !== level || audio.getAttribute('src') !== url;
    if (changed) {
      audio.pause();
      audio.src = url;
      audio.dataset['level'] = level;
    }
    if (changed || restart) {
      try {
        audio.currentTime = 0;
      } catch {
        // Not seekable yet (nothing loaded): it starts at 0 anyway.
      }
    }
    if (!audio.paused && !changed) return;
    // play() may throw, or return a promise that rejects when the browser refuses (autoplay).
    let started: Promise<void>;
    try {
      started = Promise.resolve(audio.play());
    } catch (error) {
      this.playFailed(error);
      return;
    }
    started.then(
      () => {
        this.blocked.value = false;
      },
      (error: unknown) => this.playFailed(error),
    );
  }

  private playFailed(error: unknown): void {
    const name = (error as { name?: string } | null)?.name;
    // A newer play()/pause() superseding this one is not a failure.
    if (name === 'AbortError' || this.disposed || this.level.value === null) return;
    this.blocked.value = true;
    if (name !== 'NotAllowedError') console.warn('[alarm] the alarm sound could not play:', error);
  }

  private askPermission(): void {
    const api = this.notifications;
    if (!api || this.permissionAsked || api.permission !== 'default') return;
    this.permissionAsked = true;
    void api.requestPermission().catch(() => 'denied');
  }

  private notifyNew(unacknowledged: readonly DeskAlert[]): void {
    const fresh = unacknowledged.filter((a) => NOTIFY_LEVELS.includes(a.level) && !this.notified.has(keyOf(a)));
    if (fresh.length === 0) return;
    for (const a of fresh) this.notified.add(keyOf(a));
    const sorted = [...fresh].sort((a, b) => rank(b.level) - rank(a.level) || b.sent.localeCompare(a.sent));
    if (sorted.length > MAX_NOTIFICATIONS_AT_ONCE) {
      const top = sorted[0]!;
      this.notify({ id: top.id, level: top.level, headline: top.headline }, sorted.length);
      return;
    }
    for (const a of sorted) this.notify(a);
  }

  private notify(alert: Pick<DeskAlert, 'id' | 'level' | 'headline'> & { reminderMinutes?: number }, total = 1): void {
    const api = this.notifications;
    if (!api) return;
    const show = (): void => {
      const text = this.options.notificationText?.(alert) ?? { title: alert.headline, body: '' };
      const body = total > 1 ? `${text.body}${text.body ? '\n' : ''}(+${total - 1})` : text.body;
      let handle: NotificationHandle;
      try {
        handle = new api(text.title, { body, tag: `alert-${alert.id}`, requireInteraction: alert.level === 'red', silent: true });
      } catch (error) {
        console.warn('[alarm] the desktop notification could not be shown:', error);
        return;
      }
      this.shown.get(alert.id)?.close();
      this.shown.set(alert.id, handle);
      handle.onclick = () => {
        (this.options.focusWindow ?? (() => window.focus()))();
        this.options.onSelect?.(alert.id);
        handle.close();
        this.shown.delete(alert.id);
      };
    };
    if (api.permission === 'granted') show();
    else if (api.permission === 'default' && !this.permissionAsked) {
      this.permissionAsked = true;
      api.requestPermission().then(
        (permission) => {
          if (permission === 'granted' && !this.disposed) show();
        },
        () => undefined,
      );
    }
  }
}
