/**
 * Scenario commands for a simulator child process (tests/fixtures/sim-district.ts) over its
 * stdin — the same words as POST /sim/control, which would go down with the port on `stop`.
 */
import type { SimProcess } from '../fixtures/sim-district';

/** Send one command (e.g. "stop", "start", "bad 2") and resolve with its answer line on stdout. */
export function simCommand(sim: SimProcess, line: string): Promise<string> {
  const stdout = sim.child.stdout!;
  const stdin = sim.child.stdin!;
  return new Promise((resolve, reject) => {
    let text = '';
    const guard = setTimeout(() => {
      stdout.off('data', onData);
      reject(new Error(`simulator: no answer to "${line}" within 20 s:\n${sim.output()}`));
    }, 20_000);
    function onData(chunk: Buffer): void {
      text += chunk.toString();
      const newline = text.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(guard);
      stdout.off('data', onData);
      resolve(text.slice(0, newline));
    }
    stdout.on('data', onData);
    stdin.write(`${line}\n`);
  });
}
