import { afterEach, describe, expect, it } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { nextTick } from 'vue';
import type { Delivery, WarningDetail, WarningInput } from '../../shared/contract';
import ComposeWarning from '../../renderer/src/warnings/ComposeWarning.vue';
import ContactsView from '../../renderer/src/views/ContactsView.vue';
import DevicesView from '../../renderer/src/views/DevicesView.vue';
import { smsEstimate } from '../../renderer/src/warnings/rules';
import { fakeHall, globalFor, ok, testRouter } from './fake-hall';
import {
  DISTRICT,
  NONE_ALLOWED,
  STATIONS,
  TEMPLATES,
  TOWN_A,
  TOWN_B,
  VILLAGE_A1,
  counts,
  detailOf,
  device,
  mountRoom,
  mountWarnings,
  releasing,
  warning,
  warningHandlers,
} from './warnings-fixtures';

afterEach(() => {
  document.body.innerHTML = '';
});

const calls = (invoke: { mock: { calls: unknown[][] } }, method: string) => invoke.mock.calls.filter((c) => c[0] === method).map((c) => c[1]);

async function mountCompose(initial: WarningInput | null = null) {
  const hall = fakeHall({});
  const router = await testRouter([{ path: '/', component: { render: () => null } }], '/');
  const wrapper = mount(ComposeWarning, { props: { stations: STATIONS, templates: TEMPLATES, mode: 'new', initial }, global: globalFor(hall, router) });
  return wrapper;
}

describe('compose form', () => {
  it('says whether approval is needed and why, as the rules will', async () => {
    const w = await mountCompose();
    const note = () => w.get('[data-testid="compose-approval"]');
    await w.get('[data-audience="duty"]').setValue(true);
    await w.get('[data-channel="sms"]').setValue(true);
    // Blue, internal (staff by SMS): an operator may release it.
    expect(note().attributes('data-needs')).toBe('false');
    expect(note().text()).toContain('值班员可直接发布');
    await w.get('[data-level="orange"]').setValue();
    expect(note().attributes('data-needs')).toBe('true');
    expect(note().attributes('data-reasons')).toBe('level');
    expect(note().text()).toContain('橙色/红色预警');
    await w.get('[data-level="yellow"]').setValue();
    expect(note().attributes('data-needs')).toBe('false');
    // The radio is heard by all: public, approval needed at any level.
    await w.get('[data-channel="radio"]').setValue(true);
    expect(note().attributes('data-reasons')).toBe('public');
    await w.get('[data-channel="radio"]').setValue(false);
    expect(note().attributes('data-needs')).toBe('false');
    // Residents hear it: public too.
    await w.get('[data-audience="residents"]').setValue(true);
    expect(note().attributes('data-reasons')).toBe('public');
    await w.get('[data-level="red"]').setValue();
    expect(note().attributes('data-reasons')).toBe('level,public');
    // The response level goes with each colour.
    expect(w.get('[data-testid="compose-level"]').text()).toContain('Ⅰ级响应');
  });

  it('estimates SMS parts: 70 in one message, 67 per part of a long one, 【演练】 counted', async () => {
    expect(smsEstimate('')).toEqual({ chars: 0, parts: 0 });
    expect(smsEstimate('雨'.repeat(70))).toEqual({ chars: 70, parts: 1 });
    expect(smsEstimate('雨'.repeat(71))).toEqual({ chars: 71, parts: 2 });
    expect(smsEstimate('雨'.repeat(134))).toEqual({ chars: 134, parts: 2 });
    expect(smsEstimate('雨'.repeat(135))).toEqual({ chars: 135, parts: 3 });
    expect(smsEstimate('雨'.repeat(68), true)).toEqual({ chars: 72, parts: 2 });

    const w = await mountCompose();
    await w.get('[data-channel="sms"]').setValue(true);
    await w.get('[data-testid="compose-text"]').setValue('雨'.repeat(71));
    const sms = w.get('[data-testid="compose-sms"]');
    expect(sms.attributes('data-parts')).toBe('2');
    expect(sms.text()).toContain('短信约 2 条/人');
    await w.get('[data-testid="compose-text"]').setValue('雨'.repeat(66));
    await w.get('[data-testid="compose-drill"]').setValue(true);
    expect(w.get('[data-testid="compose-sms"]').attributes('data-chars')).toBe('70');
    expect(w.get('[data-testid="compose-sms"]').attributes('data-parts')).toBe('1');
  });

  it('a template fills the form and its {区域} {时间} {级别} follow the area, time and level', async () => {
    const w = await mountCompose();
    await w.get(`[data-testid="area-town"][data-code="${TOWN_A}"]`).setValue(true);
    await w.get('[data-testid="compose-scheduled"]').setValue();
    await w.get('[data-testid="compose-at"]').setValue('2026-07-01T14:30');
    await w.get('[data-testid="compose-template"]').setValue('tpl-rain');
    const title = () => (w.get('[data-testid="compose-title"]').element as HTMLInputElement).value;
    const text = () => (w.get('[data-testid="compose-text"]').element as HTMLTextAreaElement).value;
    expect(title()).toBe('上城街道暴雨橙色预警');
    expect(text()).toBe('7月1日14时30分起，上城街道将出现强降雨，现发布暴雨橙色预警，请注意防御。');
    expect((w.get('[data-audience="residents"]').element as HTMLInputElement).checked).toBe(true);
    expect((w.get('[data-channel="speaker"]').element as HTMLInputElement).checked).toBe(true);
    expect((w.get('[data-testid="compose-repeat"]').element as HTMLInputElement).value).toBe('3');

    await w.get(`[data-testid="area-town"][data-code="${TOWN_B}"]`).setValue(true);
    // Both towns checked: the whole district.
    expect((w.get('[data-testid="area-district"]').element as HTMLInputElement).checked).toBe(true);
    expect(title()).toBe('源城区暴雨橙色预警');
    await w.get('[data-level="red"]').setValue();
    expect(title()).toBe('源城区暴雨红色预警');
    // Once the operator types over the title it is theirs; the text still follows.
    await w.get('[data-testid="compose-title"]').setValue('自拟标题');
    await w.get('[data-level="orange"]').setValue();
    expect(title()).toBe('自拟标题');
    expect(text()).toContain('暴雨橙色预警');

    await w.get('form').trigger('submit');
    const saved = w.emitted('save')![0]![0] as WarningInput;
    expect(saved).toMatchObject({ type: 'rainstorm', level: 'orange', title: '自拟标题', area: { stationCodes: [DISTRICT] }, audiences: ['residents', 'cadre'], channels: ['speaker', 'sms'], repeat: 3, templateId: 'tpl-rain' });
    expect(saved.scheduledAt).toBe('2026-07-01T06:30:00.000Z');
  });

  it('a town checks all its villages; unchecking one village leaves the others', async () => {
    const w = await mountCompose();
    await w.get(`[data-testid="area-town"][data-code="${TOWN_A}"]`).setValue(true);
    await w.get('.twisty').trigger('click');
    const villages = w.findAll('[data-testid="area-village"]');
    expect(villages.map((v) => (v.element as HTMLInputElement).checked)).toEqual([true, true]);
    await w.get(`[data-testid="area-village"][data-code="${VILLAGE_A1}"]`).setValue(false);
    expect(w.findAll('[data-testid="area-village"]').map((v) => (v.element as HTMLInputElement).checked)).toEqual([false, true]);
    expect((w.get(`[data-testid="area-town"][data-code="${TOWN_A}"]`).element as HTMLInputElement).checked).toBe(false);
  });
});

const delivery = (id: string, state: Delivery['state'], over: Partial<Delivery> = {}): Delivery => ({
  id,
  warningId: 'w-1',
  channel: 'speaker',
  deviceId: 'spk-1',
  target: '44160200100100000000001',
  targetName: `上城一村大喇叭 ${id}`,
  stationCode: VILLAGE_A1,
  townCode: TOWN_A,
  contactId: null,
  escalated: false,
  state,
  attempts: 1,
  lastError: null,
  nextAttemptAt: null,
  sentAt: null,
  confirmedAt: null,
  updatedAt: '',
  ...over,
});
const DELIVERIES = [delivery('d1', 'confirmed'), delivery('d2', 'failed', { townCode: TOWN_B, attempts: 3, lastError: '终端无应答' }), delivery('d3', 'sending', { channel: 'sms', target: '13800138000' })];

describe('warning detail', () => {
  const open = async (details: WarningDetail[], role: 'operator' | 'commander' = 'operator', extra = {}) => {
    const fake = warningHandlers(details, extra);
    const m = await mountWarnings(fake.handlers, role);
    await m.wrapper.get(`[data-testid="warning-row"][data-id="${details[0]!.id}"]`).trigger('click');
    await flushPromises();
    return { ...m, db: fake.db };
  };
  const actions = (w: { findAll(s: string): { attributes(n: string): string | undefined }[] }) => w.findAll('[data-testid="warning-action"]').map((b) => b.attributes('data-action'));

  it('shows exactly the actions `allowed` grants', async () => {
    const draft = detailOf(warning(1), { allowed: { ...NONE_ALLOWED, edit: true, submit: true, release: true, cancel: true } });
    const { wrapper } = await open([draft]);
    expect(actions(wrapper)).toEqual(['edit', 'submit', 'release', 'cancel', 'exportCap']);

    const submitted = detailOf(warning(2, { status: 'submitted', level: 'orange', needsApproval: true }), { allowed: { ...NONE_ALLOWED, approve: true, reject: true, breakGlass: true } });
    const second = await open([submitted], 'commander');
    expect(actions(second.wrapper)).toEqual(['approve', 'reject', 'breakGlass', 'exportCap']);
    expect(second.wrapper.get('[data-testid="warning-status"]').text()).toBe('待审批');
  });

  it('a break-glass release asks for a reason of 10+ characters and shows a red banner after', async () => {
    const submitted = detailOf(warning(1, { status: 'submitted', level: 'red', needsApproval: true }), { allowed: { ...NONE_ALLOWED, breakGlass: true } });
    const fake = { db: null as Map<string, WarningDetail> | null };
    const { hall, wrapper, db } = await open([submitted], 'operator', {
      'warnings.release': ({ id, breakGlass }: { id: string; breakGlass?: { reason: string } }) => {
        const w = { ...fake.db!.get(id)!, status: 'releasing' as const, breakGlass: { by: 'operator', reason: breakGlass!.reason, at: new Date().toISOString() }, allowed: NONE_ALLOWED };
        fake.db!.set(id, w);
        return ok(w);
      },
    });
    fake.db = db;
    expect(wrapper.find('[data-testid="break-glass-banner"]').exists()).toBe(false);
    await wrapper.get('[data-action="breakGlass"]').trigger('click');
    const dialog = wrapper.get('[data-testid="warning-breakGlass-dialog"]');
    expect(dialog.get('[data-testid="break-glass-warn"]').text()).toContain('跳过审批');
    await dialog.get('[data-testid="reason-text"]').setValue('山洪已至');
    await dialog.trigger('submit');
    await flushPromises();
    expect(calls(hall.invoke, 'warnings.release')).toEqual([]);
    await dialog.get('[data-testid="reason-text"]').setValue('山洪已至村口，指挥长联系不上');
    await dialog.trigger('submit');
    await flushPromises();
    expect(calls(hall.invoke, 'warnings.release')).toEqual([{ id: 'w-1', breakGlass: { reason: '山洪已至村口，指挥长联系不上' } }]);
    const banner = wrapper.get('[data-testid="break-glass-banner"]');
    expect(banner.text()).toContain('紧急发布（未经审批）');
    expect(banner.text()).toContain('山洪已至村口，指挥长联系不上');
    expect(wrapper.get('[data-testid="warning-status"]').text()).toBe('发布中');
  });

  it('shows the progress bar and coverage per town; a warnings.progress event moves the bar, refetches coalesced', async () => {
    const { hall, wrapper, db } = await open([releasing()], 'operator', { 'warnings.deliveries': () => ok(DELIVERIES) });
    expect(wrapper.get('[data-testid="progress-percent"]').text()).toBe('75%');
    expect(wrapper.get('[data-testid="progress-confirmed"]').attributes('style')).toContain('width: 60%');
    const rows = wrapper.findAll('[data-testid="coverage-row"]');
    expect(rows.map((r) => r.get('.town').text())).toEqual(['上城街道', '埔前镇']);
    expect(rows.map((r) => r.get('[data-testid="coverage-pct"]').text())).toEqual(['75%', '38%']);
    expect(wrapper.get(`[data-testid="coverage-row"][data-town="${TOWN_B}"]`).text()).toContain('1 / 4');
    expect(wrapper.get('[data-testid="progress-channel"][data-channel="speaker"]').text()).toContain('大喇叭');
    // Deliveries filtered by state; the report says what was reached and what failed.
    expect(wrapper.findAll('[data-testid="delivery-row"]')).toHaveLength(3);
    await wrapper.get('[data-testid="deliveries-filter"]').setValue('failed');
    const failed = wrapper.findAll('[data-testid="delivery-row"]');
    expect(failed.map((r) => r.attributes('data-state'))).toEqual(['failed']);
    expect(failed[0]!.text()).toContain('终端无应答');
    expect(failed[0]!.text()).toContain('埔前镇');
    expect(wrapper.get('[data-testid="report-reached"]').text()).toBe('已确认送达 120 / 200（60%），失败 30');
    expect(wrapper.get('[data-testid="warning-report"]').text()).toContain('终端无应答');

    const gets = () => calls(hall.invoke, 'warnings.get').length;
    const before = gets();
    const next = counts({ total: 200, confirmed: 170, failed: 30 });
    db.set('w-1', { ...db.get('w-1')!, status: 'partial', counts: next });
    for (let i = 0; i < 5; i++) hall.emit('warnings.progress', { id: 'w-1', status: i < 4 ? 'releasing' : 'partial', counts: next });
    // The bar moves with the event itself, before any answer.
    await nextTick();
    expect(wrapper.get('[data-testid="progress-percent"]').text()).toBe('100%');
    await flushPromises();
    // Five events: one refetch in flight and one more after it, not five.
    expect(gets() - before).toBeLessThanOrEqual(2);
    expect(wrapper.get('[data-testid="warning-status"]').text()).toBe('部分完成');
    expect(wrapper.get('[data-testid="warning-row"][data-id="w-1"]').attributes('data-status')).toBe('partial');
  });

  it('a progress event during a slow refetch is laid over its older answer', async () => {
    const base = releasing();
    let release: (() => void) | null = null;
    let slow = false;
    const { hall, wrapper } = await open([base], 'operator', {
      'warnings.get': () => (slow ? new Promise((resolve) => (release = () => resolve(ok(base)))) : ok(base)),
    });
    slow = true;
    hall.emit('warnings.changed', { ids: ['w-1'] });
    await flushPromises();
    hall.emit('warnings.progress', { id: 'w-1', status: 'releasing', counts: counts({ total: 200, confirmed: 190, failed: 10 }) });
    release!();
    await flushPromises();
    expect(wrapper.get('[data-testid="progress-percent"]').text()).toBe('100%');
  });
});

describe('contacts', () => {
  it('imports a file and lists the rows the core refused', async () => {
    const { hall, wrapper } = await mountRoom(ContactsView, {
      'stations.list': () => ok(STATIONS),
      'contacts.list': () => ok([{ id: 'c1', name: '张三', phone: '13800138000', stationCode: TOWN_A, roles: ['duty'], groups: ['镇街值班'], title: '', note: '', demo: false, updatedAt: '' }]),
      'contacts.import': () => ok({ added: 3, updated: 1, problems: [{ row: 4, message: '电话号码无效：12345' }, { row: 7, message: '未知的镇街/村居代码' }] }),
    });
    expect(wrapper.findAll('[data-testid="contact-row"]')).toHaveLength(1);
    expect(wrapper.get('[data-testid="contacts-group"]').text()).toContain('镇街值班');
    await wrapper.get('[data-testid="contacts-import"]').trigger('click');
    const input = wrapper.get('[data-testid="contacts-import-file"]');
    const file = new File(['姓名,电话\n李四,13900139000\n'], 'contacts.csv', { type: 'text/csv' });
    Object.defineProperty(input.element, 'files', { value: [file] });
    await input.trigger('change');
    await wrapper.get('[data-testid="contacts-import-dialog"]').trigger('submit');
    await flushPromises();
    const [params] = calls(hall.invoke, 'contacts.import') as { format: string; dataBase64: string }[];
    expect(params!.format).toBe('csv');
    expect(new TextDecoder().decode(Uint8Array.from(atob(params!.dataBase64), (c) => c.charCodeAt(0)))).toContain('李四');
    expect(wrapper.get('[data-testid="contacts-import-done"]').text()).toBe('新增 3 人，更新 1 人');
    const problems = wrapper.findAll('[data-testid="contacts-import-problem"]');
    expect(problems.map((p) => p.attributes('data-row'))).toEqual(['4', '7']);
    expect(problems[0]!.text()).toContain('第 4 行');
    expect(problems[0]!.text()).toContain('电话号码无效：12345');
  });

  it('shows the core’s validation messages when a contact is refused', async () => {
    const { wrapper } = await mountRoom(ContactsView, {
      'stations.list': () => ok(STATIONS),
      'contacts.list': () => ok([]),
      'contacts.save': () => ({ ok: false, error: { code: 'invalid_params', message: 'contacts.save: invalid params', details: [{ path: 'phone', problem: 'a mainland mobile number (11 digits) or a fixed line with its area code' }] } }),
    });
    await wrapper.get('[data-testid="contacts-add"]').trigger('click');
    await wrapper.get('[data-testid="contact-name"]').setValue('王五');
    await wrapper.get('[data-testid="contact-phone"]').setValue('123');
    await wrapper.get('[data-testid="contact-dialog"]').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[data-testid="contact-problems"]').text()).toContain('phone: a mainland mobile number');
  });
});

describe('devices', () => {
  it('shows each device’s state in colour, runs a test, follows devices.changed and (demo) simulates', async () => {
    const list = [
      device('spk-1'),
      device('spk-2', { state: 'offline', reason: '连接超时（3次）', lastGoodAt: null }),
      device('gsm-1', { kind: 'gsm-modem', name: '短信猫 1', transport: '/dev/ttyUSB0@115200', state: 'fault', reason: 'SIM 卡未就绪', simulated: false }),
    ];
    const { hall, wrapper } = await mountRoom(
      DevicesView,
      {
        'stations.list': () => ok(STATIONS),
        'devices.list': () => ok(list),
        'devices.test': ({ id }) => ok({ ok: id === 'spk-1', summary: id === 'spk-1' ? '终端应答正常' : '无应答', ms: 42.4 }),
        'devices.simulate': () => ok(null),
      },
      'operator',
      { about: { name: '源城区应急指挥中心', version: '1.0.0', demo: true } },
    );
    const state = (id: string) => wrapper.get(`[data-testid="device"][data-id="${id}"]`);
    expect(wrapper.findAll('[data-testid="device-group"]').map((g) => g.attributes('data-kind'))).toEqual(['gsm-modem', 'ip-speaker']);
    expect(state('spk-1').attributes('data-state')).toBe('online');
    expect(state('spk-1').get('[data-testid="device-state"]').text()).toBe('在线');
    expect(state('spk-2').get('[data-testid="device-state"]').text()).toBe('离线');
    expect(state('spk-2').get('[data-testid="device-reason"]').text()).toBe('连接超时（3次）');
    expect(state('gsm-1').get('[data-testid="device-state"]').text()).toBe('故障');
    expect(state('spk-1').text()).toContain('5 分钟前');
    expect(state('spk-1').text()).toContain('上城一村');
    expect(wrapper.get('[data-testid="devices-count"]').text()).toContain('1 / 3');

    await state('spk-1').get('[data-testid="device-test"]').trigger('click');
    await flushPromises();
    expect(calls(hall.invoke, 'devices.test')).toEqual([{ id: 'spk-1' }]);
    expect(state('spk-1').get('[data-testid="device-test-result"]').text()).toBe('正常 · 42 ms · 终端应答正常');

    hall.emit('devices.changed', { devices: [device('spk-1', { state: 'fault', reason: '功放过温' })] });
    await flushPromises();
    expect(state('spk-1').attributes('data-state')).toBe('fault');
    expect(state('spk-1').get('[data-testid="device-reason"]').text()).toBe('功放过温');

    // Demo mode: simulated devices have the simulator's controls; a real one does not.
    expect(state('gsm-1').find('[data-testid="device-simulate"]').exists()).toBe(false);
    await state('spk-2').get('[data-testid="device-simulate"]').setValue('refuse');
    await flushPromises();
    expect(calls(hall.invoke, 'devices.simulate')).toEqual([{ id: 'spk-2', mode: 'refuse' }]);
  });
});
