/**
 * The simulator's controls over HTTP on its own port, for tests that run it as a child process:
 *   GET  /sim/status   → { epoch, headSeq, clients, receivedActions, … }
 *   GET  /sim/state    → { kind: { id: data } } as of headSeq
 *   POST /sim/control  { command: "storm typhoon 12h 60s" } → { ok, output } | { ok: false, error }
 * Loopback demo tooling: no authentication, like the rest of the simulator's scenario controls.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CommandError, runCommand } from './commands';
import type { DistrictSimulator } from './server';

const MAX_BODY = 64 * 1024;

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      text += chunk;
      if (text.length > MAX_BODY) {
        reject(new Error(`request body over ${MAX_BODY} bytes`));
        req.destroy();
      }
    });
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

export function controlHandler(sim: () => DistrictSimulator): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void handle(sim(), req, res).catch((err: unknown) => {
      if (!res.headersSent) reply(res, 500, { ok: false, error: err instanceof Error ? err.message : String(err) });
    });
  };
}

async function handle(sim: DistrictSimulator, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method === 'GET' && path === '/sim/status') return reply(res, 200, sim.status());
  if (req.method === 'GET' && path === '/sim/state') {
    const state = sim.state();
    return reply(res, 200, Object.fromEntries(Object.entries(state).map(([kind, map]) => [kind, Object.fromEntries(map)])));
  }
  if (req.method === 'POST' && path === '/sim/control') {
    let command: unknown;
    try {
      command = (JSON.parse(await readBody(req)) as { command?: unknown }).command;
    } catch (err) {
      return reply(res, 400, { ok: false, error: `POST /sim/control: body must be JSON {"command": "…"}: ${err instanceof Error ? err.message : String(err)}` });
    }
    if (typeof command !== 'string') return reply(res, 400, { ok: false, error: 'POST /sim/control: "command" must be a string' });
    try {
      const outcome = await runCommand(sim, command);
      // Answer first: "stop" would otherwise cut the connection carrying its own answer.
      res.once('finish', () => void outcome.after?.().catch(() => undefined));
      return reply(res, 200, { ok: true, output: outcome.output });
    } catch (err) {
      return reply(res, err instanceof CommandError ? 400 : 500, { ok: false, error: err instanceof Error ? err.message : String(err) });
    }
  }
  reply(res, 404, { ok: false, error: `${req.method} ${path}: not a simulator endpoint (GET /sim/status, GET /sim/state, POST /sim/control)` });
}
