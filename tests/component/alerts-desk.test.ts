import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import { alert, deskHandlers, fakeLayout, mountDesk, rowIds, TOWN_B } from './alerts-fixtures';
import { fail, ok } from './fake-hall';

let restoreLayout: () => void;
beforeEach(() => {
  restoreLayout = fakeLayout();
});
afterEach(() => {
  restoreLayout();
  document.body.innerHTML = '';
});

const press = async (key: string, target: EventTarget = document.body) => {
  target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
  await flushPromises();
};
const calls = (invoke: { mock: { calls: unknown[][] } }, method: string) => invoke.mock.calls.filter((c) => c[0] === method).map((c) => c[1]);

describe('alert desk', () => {
  it('loads the window page by page and shows visible/total', async () => {
    const many = Array.from({ length: 2500 }, (_, i) => alert(i % 600, { id: `m-${i}` }));
    const { hall, wrapper } = await mountDesk(deskHandlers(many).handlers);
    const lists = calls(hall.invoke, 'alerts.list') as { limit: number; cursor?: string }[];
    expect(lists.every((p) => p.limit === 1000)).toBe(true);
    expect(lists.filter((p) => p.cursor).map((p) => p.cursor)).toEqual(expect.arrayContaining(['1000', '2000']));
    const count = wrapper.get('[data-testid="alerts-count"]');
    expect(count.attributes('data-total')).toBe('2500');
    expect(count.attributes('data-visible')).toBe('2500');
    // Virtualised: only the rows in view (and a few more) are in the DOM.
    const rendered = wrapper.findAll('[data-testid="alert-row"]').length;
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(60);
  });

  it('filters narrow the list instantly: level chips, state, town, source, time window and text', async () => {
    const alerts = [
      alert(1, { level: 'red', headline: '山洪红色预警', type: 'geohazard' }),
      alert(2, { level: 'orange', townCode: TOWN_B, source: 'rule' }),
      alert(3, { level: 'yellow', state: 'acknowledged' }),
      alert(120, { level: 'blue', source: 'manual' }),
      alert(600, { level: 'red', state: 'closed', identifier: 'CAP-XYZ-9' }),
    ];
    const { hall, wrapper } = await mountDesk(deskHandlers(alerts).handlers);
    expect(rowIds(wrapper)).toEqual(['a-1', 'a-2', 'a-3', 'a-120', 'a-600']);
    const before = hall.invoke.mock.calls.length;

    await wrapper.get('[data-testid="filter-level"][data-level="red"]').trigger('click');
    expect(rowIds(wrapper)).toEqual(['a-1', 'a-600']);
    await wrapper.get('[data-testid="filter-level"][data-level="orange"]').trigger('click');
    expect(rowIds(wrapper)).toEqual(['a-1', 'a-2', 'a-600']);
    expect(wrapper.get('[data-testid="alerts-count"]').text()).toContain('3 / 5');
    await wrapper.get('[data-testid="filter-state"]').setValue('@open');
    expect(rowIds(wrapper)).toEqual(['a-1', 'a-2']);
    await wrapper.get('[data-testid="filter-town"]').setValue(TOWN_B);
    expect(rowIds(wrapper)).toEqual(['a-2']);
    await wrapper.get('[data-testid="filter-source"]').setValue('rule');
    expect(rowIds(wrapper)).toEqual(['a-2']);
    await wrapper.get('[data-testid="filter-reset"]').trigger('click');
    expect(rowIds(wrapper)).toHaveLength(5);

    await wrapper.get('[data-testid="filter-window"][data-window="1h"]').trigger('click');
    expect(rowIds(wrapper)).toEqual(['a-1', 'a-2', 'a-3']);
    await wrapper.get('[data-testid="filter-window"][data-window="6h"]').trigger('click');
    expect(rowIds(wrapper)).toEqual(['a-1', 'a-2', 'a-3', 'a-120']);
    await wrapper.get('[data-testid="filter-window"][data-window="24h"]').trigger('click');
    await wrapper.get('[data-testid="filter-type"]').setValue('geohazard');
    expect(rowIds(wrapper)).toEqual(['a-1']);
    await wrapper.get('[data-testid="filter-type"]').setValue('');
    await wrapper.get('[data-testid="filter-q"]').setValue('xyz-9');
    expect(rowIds(wrapper)).toEqual(['a-600']);
    // All of it in memory: not one call to the core.
    expect(hall.invoke.mock.calls.length).toBe(before);
  });

  it('keyboard: J/K move, A acknowledges, H handles, C opens the close dialog, / focuses search, Esc closes', async () => {
    const { hall, wrapper } = await mountDesk(deskHandlers([alert(1), alert(2), alert(3)]).handlers);
    await press('j');
    expect(wrapper.get('[data-testid="alert-detail"]').attributes('data-id')).toBe('a-1');
    await press('ArrowDown');
    expect(wrapper.get('[data-testid="alert-detail"]').attributes('data-id')).toBe('a-2');
    await press('k');
    expect(wrapper.get('[data-testid="alert-detail"]').attributes('data-id')).toBe('a-1');

    await press('a');
    expect(calls(hall.invoke, 'alerts.ack')).toEqual([{ id: 'a-1' }]);
    expect(wrapper.get('[data-testid="alert-row"][data-id="a-1"]').attributes('data-state')).toBe('acknowledged');
    expect(wrapper.get('[data-testid="alert-ack"]').attributes('disabled')).toBeDefined();

    await press('h');
    expect(calls(hall.invoke, 'alerts.handle')).toEqual([{ id: 'a-1' }]);
    expect(wrapper.get('[data-testid="alert-detail"]').attributes('data-state')).toBe('handling');

    await press('c');
    const dialog = wrapper.get('[data-testid="alert-close-dialog"]');
    expect(calls(hall.invoke, 'alerts.close')).toEqual([]);
    // A resolution is required.
    await dialog.trigger('submit');
    expect(wrapper.find('[data-testid="action-invalid"]').exists()).toBe(true);
    expect(calls(hall.invoke, 'alerts.close')).toEqual([]);
    await dialog.get('[data-testid="action-text"]').setValue('已排水，积水消退');
    await dialog.trigger('submit');
    await flushPromises();
    expect(calls(hall.invoke, 'alerts.close')).toEqual([{ id: 'a-1', resolution: '已排水，积水消退' }]);
    expect(wrapper.find('[data-testid="alert-close-dialog"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="alert-detail"]').attributes('data-state')).toBe('closed');
    for (const id of ['alert-ack', 'alert-handle', 'alert-close', 'alert-escalate']) expect(wrapper.get(`[data-testid="${id}"]`).attributes('disabled')).toBeDefined();
    expect(wrapper.get('[data-testid="alert-export"]').attributes('disabled')).toBeUndefined();

    // Keys typed in an input are text, not shortcuts.
    await press('/');
    const search = wrapper.get('[data-testid="filter-q"]').element as HTMLInputElement;
    expect(document.activeElement).toBe(search);
    await press('a', search);
    await press('j', search);
    expect(calls(hall.invoke, 'alerts.ack')).toHaveLength(1);
    search.blur();

    await press('j');
    expect(wrapper.get('[data-testid="alert-detail"]').attributes('data-id')).toBe('a-2');
    await press('c');
    expect(wrapper.find('[data-testid="alert-close-dialog"]').exists()).toBe(true);
    await press('Escape');
    expect(wrapper.find('[data-testid="alert-close-dialog"]').exists()).toBe(false);
  });

  it('the buttons: acknowledge with a note, escalate to an incident', async () => {
    const { hall, wrapper } = await mountDesk(deskHandlers([alert(1)]).handlers);
    await wrapper.get('[data-testid="alert-row"]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid="alert-timeline"]').text()).toContain('区平台推送');
    await wrapper.get('[data-testid="alert-ack"]').trigger('click');
    await wrapper.get('[data-testid="alert-ack-dialog"] [data-testid="action-text"]').setValue('已电话联系镇街');
    await wrapper.get('[data-testid="alert-ack-dialog"]').trigger('submit');
    await flushPromises();
    expect(calls(hall.invoke, 'alerts.ack')).toEqual([{ id: 'a-1', note: '已电话联系镇街' }]);
    await wrapper.get('[data-testid="alert-escalate"]').trigger('click');
    await wrapper.get('[data-testid="alert-escalate-dialog"]').trigger('submit');
    await flushPromises();
    expect(calls(hall.invoke, 'alerts.escalate')).toEqual([{ id: 'a-1' }]);
    expect(wrapper.get('[data-testid="alert-notice"]').text()).toContain('inc-1');
    expect(wrapper.get('[data-testid="alert-detail"]').attributes('data-state')).toBe('escalated');
  });

  it('alerts.changed refetches the changed ids and updates their rows; many ids or a reset reload', async () => {
    const { db, handlers } = deskHandlers([alert(1), alert(2)]);
    const { hall, wrapper } = await mountDesk(handlers);
    db.set('a-2', { ...db.get('a-2')!, state: 'acknowledged', remindStage: 1 });
    db.set('a-0', alert(0, { level: 'red', headline: '新的红色预警' }));
    hall.invoke.mockClear();
    hall.emit('alerts.changed', { ids: ['a-2', 'a-0'], reset: false });
    await flushPromises();
    expect(calls(hall.invoke, 'alerts.get')).toEqual([{ id: 'a-2' }, { id: 'a-0' }]);
    expect(calls(hall.invoke, 'alerts.list')).toEqual([]);
    expect(rowIds(wrapper)).toEqual(['a-0', 'a-1', 'a-2']);
    const row = wrapper.get('[data-testid="alert-row"][data-id="a-2"]');
    expect(row.attributes('data-state')).toBe('acknowledged');
    expect(row.find('[data-testid="alert-remind"]').exists()).toBe(true);
    expect(wrapper.get('[data-testid="alert-row"][data-id="a-0"]').attributes('data-level')).toBe('red');

    // A deleted alert goes away.
    db.delete('a-1');
    hall.emit('alerts.changed', { ids: ['a-1'], reset: false });
    await flushPromises();
    expect(rowIds(wrapper)).toEqual(['a-0', 'a-2']);

    hall.invoke.mockClear();
    hall.emit('alerts.changed', { ids: Array.from({ length: 51 }, (_, i) => `x-${i}`), reset: false });
    await flushPromises();
    expect(calls(hall.invoke, 'alerts.get')).toEqual([]);
    expect(calls(hall.invoke, 'alerts.list').length).toBeGreaterThan(0);
    hall.invoke.mockClear();
    hall.emit('alerts.changed', { ids: [], reset: true });
    await flushPromises();
    expect(calls(hall.invoke, 'alerts.list').length).toBeGreaterThan(0);
  });

  it('a change that arrives while the window is loading is refetched after the load lands', async () => {
    const { db, handlers } = deskHandlers([alert(1)]);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const list = handlers['alerts.list']!;
    const { hall, wrapper } = await mountDesk({ ...handlers, 'alerts.list': async (p) => (await gate, list(p)) });
    expect(wrapper.get('[data-testid="alert-desk"]').attributes('data-state')).toBe('loading');
    db.set('a-1', { ...db.get('a-1')!, state: 'handling' });
    hall.emit('alerts.changed', { ids: ['a-1'], reset: false });
    await flushPromises();
    expect(calls(hall.invoke, 'alerts.get')).toEqual([]);
    release();
    await flushPromises();
    expect(calls(hall.invoke, 'alerts.get')).toEqual([{ id: 'a-1' }]);
    expect(wrapper.get('[data-testid="alert-row"][data-id="a-1"]').attributes('data-state')).toBe('handling');
  });

  it('an invalid CAP import shows every problem; a valid one selects the alert', async () => {
    const problems = [
      { path: '/alert/sent', problem: 'not a date-time with a zone' },
      { path: '/alert/info[1]/urgency', problem: 'must be one of Immediate, Expected, Future, Past, Unknown' },
      { path: '/alert/info[1]/area[1]/polygon[1]', problem: 'the polygon is not closed' },
    ];
    const { db, handlers } = deskHandlers([alert(1)], {
      'alerts.importCap': ({ xml }) => {
        if (xml.includes('bad')) return fail('invalid_cap', 'the CAP document is invalid', problems);
        const a = alert(0, { id: 'cap-1', source: 'cap', headline: '导入的预警' });
        db.set(a.id, a);
        return ok({ alert: a, effect: 'created' as const });
      },
    });
    const { hall, wrapper } = await mountDesk(handlers);
    await wrapper.get('[data-testid="alert-import"]').trigger('click');
    const dialog = () => wrapper.get('[data-testid="alert-import-dialog"]');
    await dialog().get('[data-testid="import-xml"]').setValue('<alert>bad</alert>');
    await dialog().trigger('submit');
    await flushPromises();
    expect(calls(hall.invoke, 'alerts.importCap')).toEqual([{ xml: '<alert>bad</alert>' }]);
    const shown = dialog().findAll('[data-testid="cap-problem"]');
    expect(shown).toHaveLength(3);
    problems.forEach((p, i) => {
      expect(shown[i]!.text()).toContain(p.path);
      expect(shown[i]!.text()).toContain(p.problem);
    });
    expect(dialog().get('[data-testid="import-error"]').text()).toContain('3');

    await dialog().get('[data-testid="import-xml"]').setValue('<alert>good</alert>');
    await dialog().trigger('submit');
    await flushPromises();
    expect(wrapper.find('[data-testid="alert-import-dialog"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="alert-notice"]').text()).toContain('新建告警');
    expect(wrapper.get('[data-testid="alert-detail"]').attributes('data-id')).toBe('cap-1');
    expect(rowIds(wrapper)).toContain('cap-1');
  });

  it('creates a manual alert with its area', async () => {
    const { db, handlers } = deskHandlers([], {
      'alerts.create': (p) => {
        const a = alert(0, { id: 'man-1', source: 'manual', level: p.level, type: p.type, headline: p.headline });
        db.set(a.id, a);
        return ok(a);
      },
    });
    const { hall, wrapper } = await mountDesk(handlers);
    await wrapper.get('[data-testid="alert-create"]').trigger('click');
    const dialog = wrapper.get('[data-testid="alert-create-dialog"]');
    await dialog.get('input[data-level="orange"]').setValue(true);
    await dialog.get('[data-testid="create-type"]').setValue('waterlog');
    await dialog.get('[data-testid="create-headline"]').setValue('东埔路口积水');
    await dialog.get('[data-testid="create-station"]').setValue(TOWN_B);
    await dialog.get('[data-testid="create-area"]').setValue('23.66,114.73 1.5');
    await dialog.trigger('submit');
    await flushPromises();
    expect(calls(hall.invoke, 'alerts.create')).toEqual([
      { level: 'orange', type: 'waterlog', headline: '东埔路口积水', stationCode: TOWN_B, area: { areaDesc: '东埔路口积水', circle: ['23.66,114.73 1.5'] } },
    ]);
    expect(wrapper.get('[data-testid="alert-detail"]').attributes('data-id')).toBe('man-1');
  });

  it('saves, applies and deletes a filter', async () => {
    const saved: { id: number; name: string; filter: object }[] = [];
    const { handlers } = deskHandlers([alert(1, { level: 'red' }), alert(2)], {
      'alerts.filters.save': ({ name, filter }) => {
        const f = { id: saved.length + 1, name, filter };
        saved.push(f);
        return ok(f);
      },
      'alerts.filters.delete': () => ok(null),
    });
    const { hall, wrapper } = await mountDesk(handlers);
    await wrapper.get('[data-testid="filter-level"][data-level="red"]').trigger('click');
    await wrapper.get('[data-testid="saved-save"]').trigger('click');
    await wrapper.get('[data-testid="saved-name"]').setValue('红色');
    await wrapper.get('[data-testid="saved-save"]').trigger('click');
    await flushPromises();
    expect(calls(hall.invoke, 'alerts.filters.save')).toEqual([{ name: '红色', filter: { level: 'red' } }]);
    await wrapper.get('[data-testid="filter-reset"]').trigger('click');
    expect(rowIds(wrapper)).toHaveLength(2);
    await wrapper.get('[data-testid="saved-filters"]').setValue('1');
    expect(rowIds(wrapper)).toEqual(['a-1']);
    await wrapper.get('[data-testid="saved-delete"]').trigger('click');
    await flushPromises();
    expect(calls(hall.invoke, 'alerts.filters.delete')).toEqual([{ id: 1 }]);
  });

  it('a wall sees the desk but cannot act', async () => {
    const { wrapper } = await mountDesk(deskHandlers([alert(1)]).handlers, 'wall');
    expect(wrapper.find('[data-testid="alert-create"]').exists()).toBe(false);
    await wrapper.get('[data-testid="alert-row"]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid="alert-ack"]').attributes('disabled')).toBeDefined();
    expect(wrapper.get('[data-testid="alert-export"]').attributes('disabled')).toBeUndefined();
  });
});
