import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h, nextTick, ref } from 'vue';
import { flushPromises, mount } from '@vue/test-utils';
import type { DeskAlert } from '../../shared/contract/alerts';
import { Alarm, type AlarmOptions } from '../../renderer/src/alerts/alarm';
import { useAlarm } from '../../renderer/src/alerts/alarm-use';
import { ALARM_SOUNDS } from '../../renderer/src/alerts/alarm-sounds';
import AlarmControl from '../../renderer/src/alerts/AlarmControl.vue';
import { useUiStore } from '../../renderer/src/stores/ui';
import { deskAlert, fakeNotifications } from './alarm-fixtures';
import { Blank, fakeHall, globalFor, testRouter } from './fake-hall';

const el = (): HTMLAudioElement => document.querySelector<HTMLAudioElement>('[data-testid="alert-alarm"]')!;
const url = (level: string) => `/sounds/${level}.wav`;

let alarm: Alarm | null = null;
function start(list: { value: DeskAlert[] }, extra: Partial<AlarmOptions> = {}): Alarm {
  alarm = new Alarm({
    alerts: () => list.value,
    soundUrl: url,
    notifications: null,
    createAudio: () => document.createElement('audio'),
    ...extra,
  });
  return alarm;
}

describe('alarm', () => {
  afterEach(() => {
    alarm?.dispose();
    alarm = null;
    document.body.innerHTML = '';
  });

  it('bundles one sound per level', () => {
    expect(Object.keys(ALARM_SOUNDS).sort()).toEqual(['blue', 'orange', 'red', 'yellow']);
    for (const [level, src] of Object.entries(ALARM_SOUNDS)) expect(src).toContain(`alarm-${level}`);
  });

  it('is quiet without unacknowledged alerts, one looping element in the document', async () => {
    const list = ref<DeskAlert[]>([deskAlert('red', 'acknowledged'), deskAlert('orange', 'handling')]);
    const a = start(list);
    await flushPromises();
    expect(document.querySelectorAll('[data-testid="alert-alarm"]')).toHaveLength(1);
    expect(el().paused).toBe(true);
    expect(el().loop).toBe(true);
    expect(el().dataset['level']).toBe('');
    expect(a.ringing.value).toBe(false);
  });

  it('rings the highest unacknowledged level', async () => {
    const list = ref<DeskAlert[]>([deskAlert('yellow'), deskAlert('red', 'acknowledged'), deskAlert('orange'), deskAlert('blue')]);
    start(list);
    await flushPromises();
    expect(el().paused).toBe(false);
    expect(el().dataset['level']).toBe('orange');
    expect(el().getAttribute('src')).toBe(url('orange'));

    list.value = [...list.value, deskAlert('red')];
    await flushPromises();
    expect(el().dataset['level']).toBe('red');
    expect(el().getAttribute('src')).toBe(url('red'));
    expect(el().paused).toBe(false);
  });

  it('steps down as alerts are acknowledged and stops when none is new', async () => {
    const red = deskAlert('red');
    const yellow = deskAlert('yellow');
    const list = ref<DeskAlert[]>([red, yellow]);
    start(list);
    await flushPromises();
    expect(el().dataset['level']).toBe('red');

    list.value = [{ ...red, state: 'acknowledged' }, yellow];
    await flushPromises();
    expect(el().dataset['level']).toBe('yellow');
    expect(el().paused).toBe(false);

    list.value = [{ ...red, state: 'acknowledged' }, { ...yellow, state: 'cancelled' }];
    await flushPromises();
    expect(el().paused).toBe(true);
    expect(el().dataset['level']).toBe('');
  });

  it('silences the current ring, and a new alert rings again after muting', async () => {
    const list = ref<DeskAlert[]>([deskAlert('orange')]);
    const a = start(list);
    await flushPromises();
    expect(el().paused).toBe(false);

    a.silence();
    await flushPromises();
    expect(el().paused).toBe(true);
    expect(a.unacknowledged.value).toHaveLength(1);

    // The same alert list again (a refresh) stays quiet…
    list.value = [...list.value];
    await flushPromises();
    expect(el().paused).toBe(true);

    // …another alert rings, even a lower one.
    list.value = [...list.value, deskAlert('blue')];
    await flushPromises();
    expect(el().paused).toBe(false);
    expect(el().dataset['level']).toBe('blue');
  });

  it('rings again when a silenced alert is raised to a higher level', async () => {
    const alert = deskAlert('yellow');
    const list = ref<DeskAlert[]>([alert]);
    const a = start(list);
    await flushPromises();
    a.silence();
    await flushPromises();
    expect(el().paused).toBe(true);
    list.value = [{ ...alert, level: 'red' }];
    await flushPromises();
    expect(el().paused).toBe(false);
    expect(el().dataset['level']).toBe('red');
  });

  it('applies the volume (0–100 %) live', async () => {
    const volume = ref(40);
    const list = ref<DeskAlert[]>([deskAlert('red')]);
    start(list, { volume: () => volume.value });
    await flushPromises();
    expect(el().volume).toBeCloseTo(0.4);
    volume.value = 100;
    await nextTick();
    expect(el().volume).toBeCloseTo(1);
    volume.value = 0;
    await nextTick();
    expect(el().volume).toBe(0);
    volume.value = 250;
    await nextTick();
    expect(el().volume).toBe(1);
  });

  it('rings for a reminder even after muting, shows it, and stops when the alert is acknowledged', async () => {
    const alert = deskAlert('orange');
    const list = ref<DeskAlert[]>([alert]);
    const a = start(list);
    await flushPromises();
    a.silence();
    await flushPromises();
    expect(el().paused).toBe(true);

    a.remind({ id: alert.id, stage: 1, level: 'orange', headline: alert.headline, minutes: 5 });
    await flushPromises();
    expect(el().paused).toBe(false);
    expect(el().dataset['level']).toBe('orange');
    expect(a.reminder.value?.id).toBe(alert.id);

    list.value = [{ ...alert, state: 'acknowledged' }];
    await flushPromises();
    expect(el().paused).toBe(true);
    expect(a.reminder.value).toBeNull();
  });

  it('rings for a reminder of an alert the list does not hold yet, until silenced', async () => {
    const list = ref<DeskAlert[]>([]);
    const a = start(list);
    a.remind({ id: 'elsewhere', stage: 2, level: 'red', headline: '水库超汛限', minutes: 15 });
    await flushPromises();
    expect(el().dataset['level']).toBe('red');
    expect(el().paused).toBe(false);
    a.silence();
    await flushPromises();
    expect(el().paused).toBe(true);
  });

  it('says so when autoplay is blocked, and plays on the next click', async () => {
    const audio = document.createElement('audio');
    const play = vi.spyOn(audio, 'play').mockRejectedValueOnce(Object.assign(new Error('blocked'), { name: 'NotAllowedError' }));
    const list = ref<DeskAlert[]>([deskAlert('red')]);
    const a = start(list, { createAudio: () => audio });
    await flushPromises();
    expect(a.blocked.value).toBe(true);

    document.body.dispatchEvent(new Event('pointerdown', { bubbles: true }));
    await flushPromises();
    expect(play).toHaveBeenCalledTimes(2);
    expect(a.blocked.value).toBe(false);
    expect(audio.paused).toBe(false);
  });

  it('notifies on the desktop only for new orange and red alerts, once each; a click focuses and selects', async () => {
    const notes = fakeNotifications('granted');
    const onSelect = vi.fn();
    const focusWindow = vi.fn();
    const red = deskAlert('red');
    const list = ref<DeskAlert[]>([deskAlert('blue'), deskAlert('yellow'), deskAlert('orange', 'acknowledged')]);
    start(list, { notifications: notes.api, onSelect, focusWindow, notificationText: (a) => ({ title: `${a.level}!`, body: a.headline }) });
    await flushPromises();
    expect(notes.shown).toHaveLength(0);

    list.value = [...list.value, red];
    await flushPromises();
    expect(notes.shown).toHaveLength(1);
    expect(notes.shown[0]!.title).toBe('red!');
    expect(notes.shown[0]!.options?.body).toBe(red.headline);
    expect(notes.shown[0]!.options?.tag).toBe(`alert-${red.id}`);

    list.value = [...list.value];
    await flushPromises();
    expect(notes.shown).toHaveLength(1);

    const orange = deskAlert('orange');
    list.value = [...list.value, orange];
    await flushPromises();
    expect(notes.shown.map((n) => n.options?.tag)).toEqual([`alert-${red.id}`, `alert-${orange.id}`]);

    notes.shown[0]!.handle.onclick?.call(undefined as never, new Event('click'));
    expect(focusWindow).toHaveBeenCalledTimes(1);
    expect(onSelect).toHaveBeenCalledWith(red.id);
    expect(notes.shown[0]!.handle.closed).toBe(true);
  });

  it('asks for notification permission once, and notifies when granted', async () => {
    const notes = fakeNotifications('default', 'granted');
    const list = ref<DeskAlert[]>([deskAlert('red')]);
    start(list, { notifications: notes.api });
    await flushPromises();
    expect(notes.requests).toBe(1);
    expect(notes.shown).toHaveLength(1);
    list.value = [...list.value, deskAlert('orange')];
    await flushPromises();
    expect(notes.requests).toBe(1);
    expect(notes.shown).toHaveLength(2);
  });

  it('shows nothing when notifications are denied', async () => {
    const notes = fakeNotifications('denied');
    const list = ref<DeskAlert[]>([deskAlert('red')]);
    start(list, { notifications: notes.api });
    await flushPromises();
    expect(notes.requests).toBe(0);
    expect(notes.shown).toHaveLength(0);
  });

  it('removes its element when disposed', async () => {
    const list = ref<DeskAlert[]>([deskAlert('red')]);
    const a = start(list);
    await flushPromises();
    a.dispose();
    expect(document.querySelector('[data-testid="alert-alarm"]')).toBeNull();
  });
});

describe('useAlarm + AlarmControl', () => {
  beforeEach(() => localStorage.clear());
  afterEach(() => {
    document.body.innerHTML = '';
  });

  /** A shell-like host: useAlarm in its setup, the top bar's control inside. */
  async function mountShell(list: { value: DeskAlert[] }, audio: HTMLAudioElement = document.createElement('audio')) {
    const hall = fakeHall({});
    const router = await testRouter([{ path: '/', component: Blank }], '/');
    const Host = defineComponent({
      setup() {
        useAlarm(() => list.value, { notifications: null, soundUrl: url, createAudio: () => audio });
        return () => h('div', [h(AlarmControl)]);
      },
    });
    const wrapper = mount(Host, { global: globalFor(hall, router), attachTo: document.body });
    await flushPromises();
    return { hall, wrapper };
  }

  it('shows the ring, silences it from the top bar, and a reminder from the core rings again', async () => {
    const alert = deskAlert('red');
    const list = ref<DeskAlert[]>([alert]);
    const { hall, wrapper } = await mountShell(list);
    const control = wrapper.get('[data-testid="alarm-control"]');
    expect(control.attributes('data-ringing')).toBe('true');
    expect(control.attributes('data-level')).toBe('red');
    expect(wrapper.get('[data-testid="alarm-unacked"]').text()).toBe('1');
    expect(el().paused).toBe(false);

    await wrapper.get('[data-testid="alarm-silence"]').trigger('click');
    await flushPromises();
    expect(el().paused).toBe(true);
    expect(wrapper.get('[data-testid="alarm-control"]').attributes('data-ringing')).toBe('false');

    hall.emit('alerts.reminder', { id: alert.id, stage: 1, level: 'red', headline: '河道水位超警戒', minutes: 5 });
    await flushPromises();
    expect(el().paused).toBe(false);
    expect(wrapper.get('[data-testid="alarm-reminder"]').text()).toContain('河道水位超警戒');

    wrapper.unmount();
    expect(document.querySelector('[data-testid="alert-alarm"]')).toBeNull();
    expect(hall.subscribers('alerts.reminder')).toBe(0);
  });

  it('keeps the volume in the ui store (localStorage) and applies it', async () => {
    localStorage.setItem('hall.alarmVolume', '30');
    const list = ref<DeskAlert[]>([deskAlert('yellow')]);
    const { wrapper } = await mountShell(list);
    expect(el().volume).toBeCloseTo(0.3);
    await wrapper.get('[data-testid="alarm-volume-toggle"]').trigger('click');
    const slider = wrapper.get<HTMLInputElement>('[data-testid="alarm-volume"]');
    slider.element.value = '70';
    await slider.trigger('input');
    await flushPromises();
    expect(useUiStore().alarmVolume).toBe(70);
    expect(localStorage.getItem('hall.alarmVolume')).toBe('70');
    expect(el().volume).toBeCloseTo(0.7);
  });

  it('offers "click to enable sound" when autoplay is blocked', async () => {
    const list = ref<DeskAlert[]>([deskAlert('orange')]);
    const audio = document.createElement('audio');
    const play = vi.spyOn(audio, 'play').mockRejectedValue(Object.assign(new Error('blocked'), { name: 'NotAllowedError' }));
    const { wrapper } = await mountShell(list, audio);
    const enable = wrapper.get('[data-testid="alarm-enable"]');
    expect(enable.text()).toContain('点击启用告警声音');
    play.mockResolvedValue(undefined);
    await enable.trigger('click');
    await flushPromises();
    expect(wrapper.find('[data-testid="alarm-enable"]').exists()).toBe(false);
  });
});
