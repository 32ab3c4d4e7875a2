import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import IncidentsView from '../../renderer/src/views/IncidentsView.vue';
import DecisionView from '../../renderer/src/views/DecisionView.vue';
import { isTaskOverdue, sortTasks } from '../../renderer/src/incidents/rules';
import { partsToRefetch } from '../../renderer/src/incidents/coalesce';
import { villageFeatures, placeFeatures } from '../../renderer/src/incidents/incident-features';
import { STATIONS, VILLAGE_A1, warning } from './warnings-fixtures';
import { ok } from './fake-hall';
import { TOWN_A, TOWN_B, calls, evacuation, incidentHandlers, mountView, summary, task } from './incidents-fixtures';

afterEach(() => {
  document.body.innerHTML = '';
  vi.restoreAllMocks();
});

/** Open inc-1 (and a tab) in the mounted room. */
async function openIncident(w: Awaited<ReturnType<typeof mountView>>['wrapper'], tab?: string) {
  await w.get('[data-testid="incident-row"][data-id="inc-1"]').trigger('click');
  await flushPromises();
  if (tab) {
    await w.get(`[data-testid="incident-tab-${tab}"]`).trigger('click');
    await flushPromises();
  }
}

describe('incidents room', () => {
  it('lists incidents with status and level, and opens one with its tabs', async () => {
    const { wrapper: w } = await mountView(IncidentsView, incidentHandlers().handlers, 'operator');
    const rows = w.findAll('[data-testid="incident-row"]');
    expect(rows.map((r) => [r.attributes('data-id'), r.attributes('data-status'), r.attributes('data-level')])).toEqual([
      ['inc-1', 'active', 'III'],
      ['inc-2', 'closed', 'IV'],
    ]);
    expect(rows[0]!.text()).toContain('处置中');
    await openIncident(w);
    expect(w.get('[data-testid="incident-detail"]').text()).toContain('Ⅲ级 较大');
    expect(w.get('[data-testid="incident-kpi-overdue"]').text()).toContain('1');
  });

  it('renders the checklist, and checking an item calls incidents.checklist.update', async () => {
    const { hall, wrapper: w } = await mountView(IncidentsView, incidentHandlers().handlers, 'operator');
    await openIncident(w, 'checklist');
    const items = w.findAll('[data-testid="checklist-item"]');
    expect(items).toHaveLength(2);
    expect(items.map((i) => i.attributes('data-done'))).toEqual(['true', 'false']);
    expect(w.get('[data-testid="checklist-progress"]').text()).toContain('1/2');
    await items[1]!.get('[data-testid="checklist-check"]').setValue(true);
    await flushPromises();
    expect(calls(hall.invoke, 'incidents.checklist.update')).toEqual([{ id: 'inc-1', itemId: 'ck-2', done: true }]);
    expect(w.findAll('[data-testid="checklist-item"]')[1]!.attributes('data-done')).toBe('true');
  });

  it('shows evacuation totals per town, and an incidents.changed {parts: evacuation} refetches them', async () => {
    const { db, handlers } = incidentHandlers();
    const { hall, wrapper: w } = await mountView(IncidentsView, handlers, 'operator');
    await openIncident(w, 'evacuation');
    expect(w.get('[data-testid="evac-total-moved"]').text()).toBe('180');
    expect(w.get('[data-testid="evac-total-tomove"]').text()).toBe('420');
    expect(w.get(`[data-testid="evac-town-${TOWN_A}"]`).text()).toContain('160 / 300');
    expect(w.get(`[data-testid="evac-town-${TOWN_B}"]`).text()).toContain('20 / 120');
    expect(w.findAll('[data-testid="evac-row"]').map((r) => r.attributes('data-status'))).toEqual(['evacuate', 'prepare', 'watch']);

    const before = calls(hall.invoke, 'incidents.evacuation.list').length;
    db.evacuation = evacuation(1280);
    hall.emit('incidents.changed', { ids: ['inc-1'], parts: ['evacuation'] });
    await flushPromises();
    expect(calls(hall.invoke, 'incidents.evacuation.list').length).toBe(before + 1);
    // Only the parts named are refetched: the losses were not asked for again.
    expect(calls(hall.invoke, 'incidents.losses.list')).toHaveLength(1);
    expect(w.get('[data-testid="evac-total-moved"]').text()).toBe('1,280');
    expect(w.get(`[data-testid="evac-town-${TOWN_A}"]`).text()).toContain('1,260 / 300');
    // Another incident's change leaves this one alone.
    hall.emit('incidents.changed', { ids: ['inc-9'], parts: ['evacuation'] });
    await flushPromises();
    expect(calls(hall.invoke, 'incidents.evacuation.list').length).toBe(before + 1);
  });

  it('the level dialog sets the level for a commander', async () => {
    const { hall, wrapper: w } = await mountView(IncidentsView, incidentHandlers().handlers, 'commander');
    await openIncident(w);
    expect(w.find('[data-testid="incident-level-propose"]').exists()).toBe(false);
    await w.get('[data-testid="incident-level-set"]').trigger('click');
    const dialog = w.get('[data-testid="incident-level-dialog-set"]');
    expect((dialog.get('[data-testid="level-option"][data-level="III"]').element as HTMLButtonElement).disabled).toBe(true);
    await dialog.get('[data-testid="level-option"][data-level="II"]').trigger('click');
    expect(dialog.get('[data-direction]').attributes('data-direction')).toBe('raise');
    await dialog.get('[data-testid="level-reason"]').setValue('多村进水，升级响应');
    await dialog.trigger('submit');
    await flushPromises();
    expect(calls(hall.invoke, 'incidents.setLevel')).toEqual([{ id: 'inc-1', level: 'II', reason: '多村进水，升级响应' }]);
    expect(calls(hall.invoke, 'incidents.proposeLevel')).toEqual([]);
    expect(w.find('[data-testid="incident-level-dialog-set"]').exists()).toBe(false);
    expect(w.get('[data-testid="incident-detail"]').attributes('data-level')).toBe('II');
  });

  it('the level dialog proposes the level for an operator, and asks for a reason first', async () => {
    const { hall, wrapper: w } = await mountView(IncidentsView, incidentHandlers().handlers, 'operator');
    await openIncident(w);
    expect(w.find('[data-testid="incident-level-set"]').exists()).toBe(false);
    await w.get('[data-testid="incident-level-propose"]').trigger('click');
    const dialog = w.get('[data-testid="incident-level-dialog-propose"]');
    await dialog.get('[data-testid="level-option"][data-level="IV"]').trigger('click');
    await dialog.trigger('submit');
    await flushPromises();
    expect(calls(hall.invoke, 'incidents.proposeLevel')).toEqual([]);
    await dialog.get('[data-testid="level-reason"]').setValue('雨势减弱');
    await dialog.trigger('submit');
    await flushPromises();
    expect(calls(hall.invoke, 'incidents.proposeLevel')).toEqual([{ id: 'inc-1', level: 'IV', reason: '雨势减弱' }]);
    expect(calls(hall.invoke, 'incidents.setLevel')).toEqual([]);
  });

  it('marks overdue tasks and lists them first', async () => {
    const { handlers } = incidentHandlers();
    const { wrapper: w } = await mountView(IncidentsView, handlers, 'operator');
    await openIncident(w, 'tasks');
    const rows = w.findAll('[data-testid="task-row"]');
    expect(rows.map((r) => [r.attributes('data-id'), r.attributes('data-overdue')])).toEqual([
      ['t-1', 'true'],
      ['t-2', 'false'],
      ['t-3', 'false'],
    ]);
    expect(rows[0]!.classes()).toContain('late');
    expect(rows[0]!.get('[data-testid="task-overdue"]').text()).toBe('超时');
    expect(w.findAll('[data-testid="task-overdue"]')).toHaveLength(1);
    // Past due but the core has not flagged it yet: still overdue; done or cancelled never is.
    const now = Date.now();
    expect(isTaskOverdue(task(4, { dueAt: new Date(now - 1000).toISOString() }), now)).toBe(true);
    expect(isTaskOverdue(task(5, { dueAt: new Date(now - 1000).toISOString(), status: 'cancelled' }), now)).toBe(false);
    expect(sortTasks([task(6), task(7, { overdue: true })], now).map((x) => x.id)).toEqual(['t-7', 't-6']);
    expect([...partsToRefetch(['evacuation'])].sort()).toEqual(['detail', 'evacuation']);
    expect(partsToRefetch([]).size).toBe(5);
  });

  it('the report button makes the PDF and downloads it', async () => {
    const created: Blob[] = [];
    const clicked: { download: string; href: string }[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
      created.push(b as Blob);
      return 'blob:report';
    });
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push({ download: this.download, href: this.href });
    });
    const { hall, wrapper: w } = await mountView(IncidentsView, incidentHandlers().handlers, 'operator');
    await openIncident(w, 'reports');
    await w.get('[data-testid="incident-report"]').trigger('click');
    await flushPromises();
    expect(calls(hall.invoke, 'incidents.report')).toEqual([{ id: 'inc-1' }]);
    expect(clicked).toEqual([{ download: '上城街道内涝-情况报告.pdf', href: 'blob:report' }]);
    expect(created[0]!.type).toBe('application/pdf');
    expect(await created[0]!.text()).toBe('%PDF-1.7\n');
    expect(w.get('[data-testid="incident-notice"]').text()).toContain('上城街道内涝-情况报告.pdf');
  });

  it('opens an incident by hand with its place and level', async () => {
    const { handlers } = incidentHandlers({ 'incidents.create': (input) => ok({ ...summary(3), title: input.title }) });
    const { hall, wrapper: w } = await mountView(IncidentsView, handlers, 'operator');
    await w.get('[data-testid="incident-create"]').trigger('click');
    const dialog = w.get('[data-testid="incident-create-dialog"]');
    await dialog.trigger('submit');
    expect(w.find('[data-testid="incident-invalid"]').exists()).toBe(true);
    await dialog.get('[data-testid="incident-title"]').setValue('上城一村山体滑坡');
    await dialog.get('[data-testid="incident-type"]').setValue('geohazard');
    await dialog.get('[data-testid="incident-level"]').setValue('II');
    await dialog.get('[data-testid="incident-station"]').setValue(VILLAGE_A1);
    await dialog.get('[data-testid="incident-occurred"]').setValue('2026-07-01T14:30');
    await dialog.trigger('submit');
    await flushPromises();
    expect(calls(hall.invoke, 'incidents.create')).toEqual([
      { title: '上城一村山体滑坡', type: 'geohazard', level: 'II', place: { stationCode: VILLAGE_A1, point: null, area: null, description: '' }, summary: '', occurredAt: '2026-07-01T06:30:00.000Z' },
    ]);
    expect(w.find('[data-testid="incident-create-dialog"]').exists()).toBe(false);
  });

  it('draws villages in their zone colour and the place in the level colour', () => {
    const byCode = new Map(STATIONS.map((x) => [x.code, x]));
    const f = villageFeatures(evacuation().records, byCode);
    expect(f.map((x) => [x.properties.label, x.properties.color])).toEqual([
      ['上城一村', '#ff3b48'],
      ['上城二村', '#ffe14d'],
    ]);
    expect(placeFeatures(summary(1, { level: 'I' }), byCode)[0]!.properties.color).toBe('#ff3b48');
    expect(placeFeatures(summary(1, { level: 'IV', place: { stationCode: null, point: null, area: { areaDesc: 'x', circle: ['23.7,114.7 2'] }, description: '' } }), byCode)[0]!.geometry.type).toBe('Polygon');
  });
});

describe('decision room', () => {
  const stubs = { TopBar: true, DataAsOfBanner: true, VideoTile: true };

  it('shows the selected incident’s KPIs and the queue, and its buttons call the right methods', async () => {
    const { hall, wrapper: w } = await mountView(DecisionView, incidentHandlers().handlers, 'commander', stubs);
    expect(w.findAll('[data-testid="decision-incident"]').map((b) => b.attributes('data-id'))).toEqual(['inc-1']);
    expect(w.get('[data-testid="decision-kpi-level"]').text()).toContain('Ⅲ');
    expect(w.get('[data-testid="decision-kpi-level"]').attributes('data-value')).toBe('III');
    expect(w.get('[data-testid="decision-kpi-moved"]').text()).toContain('180');
    expect(w.get('[data-testid="decision-kpi-tomove"]').text()).toContain('420');
    expect(w.get('[data-testid="decision-kpi-duration"]').text()).toContain('2小时05分');
    expect(w.get('[data-testid="decision-kpi-overdue"]').classes()).toContain('bad');
    expect(w.get('[data-testid="decision-kpi-deliveries"]').text()).toContain('96');
    expect(w.findAll('[data-testid="decision-significant-entry"]').map((e) => e.text())).toEqual([expect.stringContaining('上城一村开始转移'), expect.stringContaining('启动Ⅲ级响应')]);
    // The villages with a place on the map (埔前一村 is not among the fixture's stations).
    expect(w.get('[data-testid="incident-map"]').attributes('data-villages')).toBe('2');

    const approval = w.get('[data-testid="queue-approval"]');
    expect(approval.text()).toContain('上城街道暴雨橙色预警');
    const prop = w.get('[data-testid="queue-proposal"]');
    expect(prop.text()).toContain('雨势加大');
    const queueCalls = calls(hall.invoke, 'decision.queue').length;

    await approval.get('[data-testid="queue-approve"]').trigger('click');
    await flushPromises();
    expect(calls(hall.invoke, 'warnings.approve')).toEqual([{ id: 'w-7' }]);
    await prop.get('[data-testid="queue-accept"]').trigger('click');
    await flushPromises();
    expect(calls(hall.invoke, 'incidents.decideProposal')).toEqual([{ proposalId: 'lp-1', accept: true }]);
    expect(calls(hall.invoke, 'decision.queue').length).toBeGreaterThan(queueCalls);

    await w.get('[data-testid="decision-wall"]').trigger('click');
    await flushPromises();
    expect(calls(hall.invoke, 'incidents.wall')).toEqual([{ id: 'inc-1' }]);
  });

  it('rejecting an approval asks for a reason and calls warnings.reject', async () => {
    const { hall, wrapper: w } = await mountView(DecisionView, incidentHandlers({ 'warnings.reject': ({ id }) => ok(warning(7, { id, status: 'draft' })) }).handlers, 'commander', stubs);
    await w.get('[data-testid="queue-reject"]').trigger('click');
    const dialog = w.get('[data-testid="warning-reject-dialog"]');
    await dialog.get('[data-testid="reason-text"]').setValue('范围需缩小到上城街道');
    await dialog.trigger('submit');
    await flushPromises();
    expect(calls(hall.invoke, 'warnings.reject')).toEqual([{ id: 'w-7', reason: '范围需缩小到上城街道' }]);
    expect(w.find('[data-testid="warning-reject-dialog"]').exists()).toBe(false);
  });

  it('is closed to operators', async () => {
    const { hall, wrapper: w } = await mountView(DecisionView, incidentHandlers().handlers, 'operator', stubs);
    expect(w.find('[data-testid="decision-kpis"]').exists()).toBe(false);
    expect(w.text()).toContain('决策室仅对指挥长和管理员开放');
    expect(calls(hall.invoke, 'decision.queue')).toEqual([]);
  });
});
