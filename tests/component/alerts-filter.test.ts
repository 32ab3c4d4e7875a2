import { describe, expect, it } from 'vitest';
import { alertMatcher, emptyFilter, fromAlertFilter, toAlertFilter } from '../../renderer/src/alerts/filter';
import { canDo } from '../../renderer/src/alerts/actions';
import { alert, NOW, TOWN_A, TOWN_B } from './alerts-fixtures';

describe('desk filter', () => {
  it('a custom range is [from, to); text matches every word in headline, event, area or identifier', () => {
    const f = { ...emptyFilter(), window: 'custom' as const, from: new Date(NOW - 90 * 60_000).toISOString(), to: new Date(NOW - 30 * 60_000).toISOString() };
    const match = alertMatcher(f, NOW);
    expect([alert(100), alert(90), alert(60), alert(30), alert(10)].filter(match).map((a) => a.id)).toEqual(['a-90', 'a-60']);
    const q = alertMatcher({ ...emptyFilter(), q: '暴雨  yc-5' }, NOW);
    expect([alert(5), alert(6)].filter(q).map((a) => a.id)).toEqual(['a-5']);
    const town = alertMatcher({ ...emptyFilter(), towns: [TOWN_B] }, NOW);
    expect([alert(1), alert(2, { townCode: TOWN_B }), alert(3, { townCode: null })].filter(town).map((a) => a.id)).toEqual(['a-2']);
  });

  it('saves as the contract filter and back; a relative window is not saved', () => {
    const desk = { ...emptyFilter(), levels: ['red' as const], states: ['new' as const, 'acknowledged' as const], towns: [TOWN_A], window: '6h' as const, q: ' 山洪 ' };
    const saved = toAlertFilter(desk);
    expect(saved).toEqual({ level: 'red', state: ['new', 'acknowledged'], town: TOWN_A, q: '山洪' });
    expect(fromAlertFilter(saved, emptyFilter())).toEqual({ ...desk, window: '24h', q: '山洪' });
    const custom = toAlertFilter({ ...emptyFilter(), window: 'custom', from: '2026-06-01T00:00:00Z', to: null });
    expect(custom).toEqual({ since: '2026-06-01T00:00:00.000Z' });
    expect(fromAlertFilter(custom, emptyFilter())).toMatchObject({ window: 'custom', from: '2026-06-01T00:00:00.000Z', to: null });
  });

  it('actions by state: closed, escalated and cancelled alerts only export', () => {
    expect(canDo('new', 'ack')).toBe(true);
    expect(canDo('acknowledged', 'ack')).toBe(false);
    expect(canDo('handling', 'close')).toBe(true);
    for (const s of ['closed', 'escalated', 'cancelled'] as const) {
      expect(['ack', 'handle', 'close', 'escalate'].some((a) => canDo(s, a as 'ack'))).toBe(false);
      expect(canDo(s, 'export')).toBe(true);
    }
  });
});
