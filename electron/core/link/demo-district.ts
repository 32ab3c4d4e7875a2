/**
 * Demo mode without an upstream: the district simulator (electron/core/sim/district) runs
 * in-process on a free loopback port and the console connects to it through the real
 * socket.io path, exactly as it would to the platform. Its log and state live in the data
 * directory, so a restarted demo resumes from its cursor instead of taking a snapshot.
 * The simulator's code is loaded only here (dynamic import): a live console never loads it.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { DemoDistrict } from './link-service';

export const DEMO_DISTRICT_FILE = 'demo-district.sqlite';

export function demoDistrictIn(dataDir: string, log: (line: string) => void): () => Promise<DemoDistrict> {
  return async () => {
    const { startDistrictSimulator } = await import('../sim/district/server');
    const token = randomUUID();
    const sim = await startDistrictSimulator({ port: 0, host: '127.0.0.1', tokens: [token], stateFile: path.join(dataDir, DEMO_DISTRICT_FILE) });
    log(`[link] demo district simulator on ${sim.url} (epoch ${sim.epoch})`);
    return { upstream: { url: sim.url, token, consoleId: 'demo-console' }, close: () => sim.close(), simulator: sim };
  };
}
