/** Desk alerts and a fake Notification API for the alarm and ticker tests. */
import type { AlertLevel, DeskAlert, DeskState } from '../../shared/contract/alerts';
import type { NotificationApi, NotificationHandle } from '../../renderer/src/alerts/alarm';

let seq = 0;

export function deskAlert(level: AlertLevel, state: DeskState = 'new', over: Partial<DeskAlert> = {}): DeskAlert {
  seq += 1;
  const sent = over.sent ?? new Date(Date.UTC(2026, 5, 1, 8, seq)).toISOString();
  return {
    id: `a${seq}`,
    source: 'rule',
    identifier: `id-${seq}`,
    sender: 'hall@yuancheng',
    level,
    type: 'rainstorm',
    townCode: '441602001000',
    stationCode: null,
    sensorId: null,
    headline: `${level} alert ${seq}`,
    event: '暴雨',
    areaDesc: '上城街道',
    capStatus: 'Actual',
    msgType: 'Alert',
    firstSent: sent,
    sent,
    state,
    ackedBy: null,
    ackedAt: null,
    closedBy: null,
    closedAt: null,
    resolution: null,
    incidentId: null,
    ruleId: null,
    remindStage: 0,
    messages: 1,
    updatedAt: sent,
    ...over,
  };
}

export interface FakeNotifications {
  api: NotificationApi;
  shown: { title: string; options: NotificationOptions | undefined; handle: NotificationHandle & { closed: boolean } }[];
  requests: number;
  permission: NotificationPermission;
}

/** A Notification constructor recording what it shows; `permission` may be changed by the test. */
export function fakeNotifications(permission: NotificationPermission = 'granted', answer: NotificationPermission = 'granted'): FakeNotifications {
  const state: FakeNotifications = { api: undefined as unknown as NotificationApi, shown: [], requests: 0, permission };
  class FakeNotification implements NotificationHandle {
    static get permission(): NotificationPermission {
      return state.permission;
    }
    static requestPermission(): Promise<NotificationPermission> {
      state.requests += 1;
      state.permission = answer;
      return Promise.resolve(answer);
    }
    onclick: NotificationHandle['onclick'] = null;
    closed = false;
    constructor(title: string, options?: NotificationOptions) {
      state.shown.push({ title, options, handle: this });
    }
    close(): void {
      this.closed = true;
    }
  }
  state.api = FakeNotification;
  return state;
}
