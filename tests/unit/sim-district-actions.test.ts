import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { ActionResult } from '../../shared/district-link/protocol';
import { startDistrictSimulator, type DistrictSimulator } from '../../electron/core/sim/district/server';
import { linkSocket, nextEvent } from '../fixtures/sim-district';

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function connected(): Promise<{ s: DistrictSimulator; socket: Socket }> {
  const s = await startDistrictSimulator({ tickMs: 3_600_000 });
  open.push(s);
  const socket = linkSocket(s.url);
  open.push(socket);
  await nextEvent(socket, 'link:hello');
  return { s, socket };
}

function action(type: string, payload: Record<string, unknown>, id: string = randomUUID()) {
  return { id, type, at: '2024-06-08T10:15:00+08:00', by: 'duty-officer', payload };
}

async function send(socket: Socket, body: unknown, timeoutMs?: number): Promise<ActionResult> {
  const answer: unknown = await (timeoutMs ? socket.timeout(timeoutMs) : socket).emitWithAck('link:action', body);
  return ActionResult.parse(answer);
}

describe('district simulator: actions', () => {
  it('answers a repeated id with the FIRST result, marked duplicate, and counts every receipt', async () => {
    const { s, socket } = await connected();
    const ack = action('alert.ack', { alertId: 'YC-20240608101500-000001', note: '已通知源西街道' });
    const first = await send(socket, ack);
    expect(first).toMatchObject({ ok: true, result: { alertId: 'YC-20240608101500-000001', ackedBy: 'duty-officer' } });
    const again = await send(socket, { ...ack, at: '2024-06-08T10:16:00+08:00' });
    expect(again).toEqual({ ...first, duplicate: true });
    expect(s.receivedActions()).toEqual([{ id: ack.id, type: 'alert.ack', count: 2 }]);
  });

  it('refuses an unknown type and a malformed action as not retryable, and records their ids', async () => {
    const { s, socket } = await connected();
    const unknown = action('alert.escalate', { alertId: 'x' });
    expect(await send(socket, unknown)).toMatchObject({ ok: false, retryable: false, error: { code: 'unknown_action_type' } });
    expect(await send(socket, { id: 'not-a-uuid', type: 'alert.ack', at: 'yesterday', by: 'x', payload: {} })).toMatchObject({ ok: false, retryable: false, error: { code: 'invalid_action' } });
    expect(await send(socket, action('alert.close', { alertId: 'a' }))).toMatchObject({ ok: false, retryable: false, error: { code: 'invalid_payload', message: expect.stringMatching(/resolution/) as unknown } });
    expect(s.receivedActions().map((a) => a.id)).toEqual(expect.arrayContaining([unknown.id, 'not-a-uuid']));
  });

  it('performs each v1 type', async () => {
    const { socket } = await connected();
    expect(await send(socket, action('alert.close', { alertId: 'a', resolution: '水位回落，解除' }))).toMatchObject({ ok: true, result: { alertId: 'a' } });
    expect(await send(socket, action('incident.report', { incident: { title: '埔前镇山体滑坡' } }))).toMatchObject({ ok: true, result: { platformRef: expect.stringMatching(/^YC-INC-/) as unknown } });
    expect(await send(socket, action('broadcast.report', { releaseId: 'r1', summary: { reached: 12, failed: 1 } }))).toMatchObject({ ok: true });
  });

  it('drops answers on request: the action is recorded and performed once, and the re-send gets the first result', async () => {
    const { s, socket } = await connected();
    s.control.dropActionAcks(1);
    const report = action('incident.report', { incident: { title: '源城区内涝' } });
    await expect(send(socket, report, 300)).rejects.toThrow(/timed out/);
    expect(s.receivedActions()).toEqual([{ id: report.id, type: 'incident.report', count: 1 }]);
    const retry = await send(socket, report);
    expect(retry).toMatchObject({ ok: true, duplicate: true, result: { platformRef: expect.any(String) as unknown } });
    expect(s.receivedActions()[0]!.count).toBe(2);
  });

  it('fails retryably on request without performing, then performs on the retry', async () => {
    const { s, socket } = await connected();
    s.control.failActionsRetryably(1);
    const ack = action('alert.ack', { alertId: 'a1' });
    expect(await send(socket, ack)).toMatchObject({ ok: false, retryable: true, error: { code: 'unavailable' } });
    const retry = await send(socket, ack);
    expect(retry.ok).toBe(true);
    expect(retry).not.toHaveProperty('duplicate');
  });

  it('delays answers on request', async () => {
    const { s, socket } = await connected();
    s.control.delayActionAcks(400);
    const started = Date.now();
    expect((await send(socket, action('alert.ack', { alertId: 'a2' }))).ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
  });
});
