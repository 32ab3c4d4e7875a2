/**
 * `npm run sim:district -- --port 7700 [--host h] [--state file] [--token t]… [--tick-ms n]
 *  [--seed n] [--rate n] [--time-scale n] [--video-base url] [--ack-timeout-ms n]`
 *
 * Runs the district platform simulator standalone so any console can point at it. Scenario
 * commands are read from stdin (type `help`) and accepted on POST /sim/control; SIGTERM and
 * SIGINT close it cleanly (the state file stays consistent either way).
 */
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CommandError, runCommand } from './commands';
import { startDistrictSimulator, type DistrictSimulatorOptions } from './server';

export class UsageError extends Error {}

const NUMERIC: Record<string, keyof DistrictSimulatorOptions> = {
  '--port': 'port',
  '--tick-ms': 'tickMs',
  '--seed': 'seed',
  '--rate': 'readingRate',
  '--time-scale': 'timeScale',
  '--ack-timeout-ms': 'ackTimeoutMs',
};

export function parseSimArgs(argv: string[]): DistrictSimulatorOptions {
  const options: DistrictSimulatorOptions = { port: 7700 };
  const tokens: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '--') continue;
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    i++;
    const key = NUMERIC[flag];
    if (key) {
      const n = Number(value);
      if (!Number.isFinite(n) || n < 0 || (key === 'port' && (!Number.isInteger(n) || n > 65535))) throw new UsageError(`${flag} must be a number ≥ 0, got "${value}"`);
      (options as Record<string, unknown>)[key] = n;
    } else if (flag === '--state') options.stateFile = value;
    else if (flag === '--token') tokens.push(value);
    else if (flag === '--host') options.host = value;
    else if (flag === '--video-base') options.videoBase = value;
    else throw new UsageError(`unknown option ${flag} (see the header of electron/core/sim/district/cli.ts)`);
  }
  if (tokens.length) options.tokens = tokens;
  return options;
}

async function main(): Promise<void> {
  let options: DistrictSimulatorOptions;
  try {
    options = parseSimArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`sim:district: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  }
  const verbose = process.env['SIM_QUIET'] !== '1';
  const sim = await startDistrictSimulator({ ...options, log: (line) => verbose && process.stderr.write(`[sim] ${line}\n`) });
  process.stdout.write(`district simulator listening on ${sim.url} (epoch ${sim.epoch})\n`);

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    process.stderr.write(`[sim] ${signal}: closing\n`);
    void sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  // Run through a wrapper (npm, tsx's CLI) that is killed with SIGKILL, the simulator would live on
  // as an orphan holding its port and state file; when the parent changes, the parent is gone.
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && shutdown('parent process gone'), 1000).unref();

  // stdin may be closed at once (a child process with stdin ignored): keep running regardless.
  const rl = readline.createInterface({ input: process.stdin, terminal: false });
  // One command at a time, in the order typed.
  let queue = Promise.resolve();
  rl.on('line', (line) => {
    queue = queue
      .then(async () => {
        const outcome = await runCommand(sim, line);
        if (outcome.output) process.stdout.write(`${outcome.output}\n`);
        await outcome.after?.();
      })
      .catch((err: unknown) => void process.stdout.write(`${err instanceof CommandError ? '' : 'error: '}${err instanceof Error ? err.message : String(err)}\n`));
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err: unknown) => {
    process.stderr.write(`sim:district: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
