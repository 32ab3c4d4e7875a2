/**
 * Demo mode is the first thing anyone sees: a fresh demo core shows an incident being run and a
 * warning release under way, made through the real services (not fixtures).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../electron/core/core';
import { parseConfig } from '../../electron/core/config/config';
import type { CallContext } from '../../electron/core/api/context';
import { seedDemoWarnings } from '../../electron/core/warnings/demo-seed';
import type { DecisionQueue, EvacuationSummary, IncidentSummary, Warning } from '../../shared/contract';

const commander: CallContext = { user: { username: 'commander', displayName: 'commander', role: 'commander', sessionId: 'c' }, origin: 'test' };
let core: Core | null = null;
let dir = '';

afterEach(async () => {
  await core?.closeAsync();
  core = null;
  fs.rmSync(dir, { recursive: true, force: true });
});

async function call<T>(method: string, params: unknown): Promise<T> {
  const r = await core!.invoke(commander, method, params);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.value as T;
}

describe('a fresh demo', () => {
  it('runs an incident and releases a drill while a warning waits for approval; seeded once only', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hall-demo-'));
    const config = parseConfig({ simulator: { terminalSpeed: 50, smsReportMs: 50, deviceTroubleMinutes: 0 } });
    core = await createCore({ dataDir: dir, demo: true, config, startDemoDistrict: null, log: () => undefined });
    const [incident] = await call<IncidentSummary[]>('incidents.list', {});
    expect(incident).toMatchObject({ title: '源南镇沿河村居内涝险情', level: 'IV', status: 'active' });
    expect(incident!.kpis).toMatchObject({ moved: 64, toMove: 126, overdueTasks: 1, pendingProposals: 1 });
    expect(incident!.kpis.checklistDone).toBe(3);
    const evac = await call<EvacuationSummary>('incidents.evacuation.list', { id: incident!.id });
    expect(evac.records.map((r) => r.status).sort()).toEqual(['evacuate', 'prepare', 'watch']);

    const warnings = await (async () => {
      for (let i = 0; i < 200; i++) {
        const list = await call<Warning[]>('warnings.list', {});
        if (list.length === 2 && list.some((w) => w.status === 'completed')) return list;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('the demo drill never completed');
    })();
    expect(warnings.map((w) => [w.drill, w.status]).sort()).toEqual([
      [false, 'submitted'],
      [true, 'completed'],
    ]);
    const queue = await call<DecisionQueue>('decision.queue', {});
    expect(queue.approvals).toHaveLength(1);
    expect(queue.proposals.map((p) => p.to)).toEqual(['III']);

    // A restart does not seed again.
    await core.closeAsync();
    core = await createCore({ dataDir: dir, demo: true, config, startDemoDistrict: null, log: () => undefined });
    expect(await call<IncidentSummary[]>('incidents.list', {})).toHaveLength(1);
    // The warnings seed runs a few seconds after start; run it now: it sees the warnings and stops.
    await seedDemoWarnings(core.release.warnings, () => new Date(), () => undefined);
    expect(await call<Warning[]>('warnings.list', {})).toHaveLength(2);
  }, 60_000);
});
