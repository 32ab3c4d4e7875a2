/**
 * The simulator's command language, shared by the CLI's stdin and `POST /sim/control`, so a
 * test driving a child process and a person at a terminal use the same words.
 */
import { KINDS, type Kind } from '../../../../shared/district-link/protocol';
import type { DistrictSimulator } from './server';
import { STORM_KINDS, type StormKind } from './sites';
import { parseDurationSeconds } from './util';

export class CommandError extends Error {}

export const HELP = `commands:
  storm dragon-boat|typhoon [6h] [60s]   a storm of so many hours, compressed to so many seconds
  calm                                   end the storm now
  rate <n>                               readings per second
  tick                                   one world tick now
  drop                                   cut every connection (clients reconnect)
  stop [5s]                              stop listening and disconnect (optionally start again after)
  start                                  listen again on the same port
  rebuild                                new epoch: data rebuilt, link:reset to clients
  compact [keepLast]                     drop old log entries (default: all)
  dup <n> | ooo <n> | bad <n>            inject duplicates, out-of-order replays, malformed items
  ack-delay <ms> | ack-drop <n> | ack-fail <n>   answer actions late, not at all, or with a retryable failure
  burst <n>                              append n readings at once
  online <id> | offline <id>             a station or camera goes on/offline
  remove <kind> <id>                     delete an entity (not a reading)
  status                                 epoch, headSeq, clients, actions received
  help                                   this text`;

export interface CommandOutcome {
  output: string;
  /** Work to do after the answer is sent (stopping the server that carries the answer). */
  after?: () => Promise<void>;
}

function count(word: string | undefined, what: string): number {
  const n = Number(word);
  if (word === undefined || !Number.isInteger(n) || n < 0) throw new CommandError(`${what}: expected a whole number ≥ 0, got "${word ?? ''}"`);
  return n;
}

function seconds(word: string, what: string): number {
  const s = parseDurationSeconds(word);
  if (s === null || s <= 0) throw new CommandError(`${what}: "${word}" is not a duration (e.g. 90s, 5m, 6h)`);
  return s;
}

export async function runCommand(sim: DistrictSimulator, line: string): Promise<CommandOutcome> {
  const [word, ...args] = line.trim().split(/\s+/);
  try {
    return await dispatch(sim, word, args);
  } catch (err) {
    // A control refusing its input (an unknown station, a bad rate) is the caller's mistake too.
    if (err instanceof CommandError) throw err;
    throw new CommandError(`${word}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function dispatch(sim: DistrictSimulator, word: string | undefined, args: string[]): Promise<CommandOutcome> {
  const c = sim.control;
  switch (word) {
    case undefined:
    case '':
      return { output: '' };
    case 'help':
      return { output: HELP };
    case 'status':
      return { output: JSON.stringify(sim.status(), null, 2) };
    case 'storm': {
      const kind = args[0] as StormKind;
      if (!STORM_KINDS.includes(kind)) throw new CommandError(`storm: kind must be one of ${STORM_KINDS.join(', ')}, got "${args[0] ?? ''}"`);
      const hours = args[1] ? seconds(args[1], 'storm hours') / 3600 : undefined;
      const compressTo = args[2] ? seconds(args[2], 'storm compressTo') : undefined;
      const s = c.storm(kind, { ...(hours ? { hours } : {}), ...(compressTo ? { compressTo } : {}) });
      return { output: `storm ${kind} (${s.name}): ${s.hours} h compressed to ${s.compressTo} s` };
    }
    case 'calm':
      c.calm();
      return { output: 'storm ended' };
    case 'rate': {
      const n = Number(args[0]);
      if (!Number.isFinite(n) || n < 0) throw new CommandError(`rate: expected readings per second ≥ 0, got "${args[0] ?? ''}"`);
      c.setReadingRate(n);
      return { output: `reading rate ${n}/s` };
    }
    case 'tick':
      return { output: `head seq ${c.tick()}` };
    case 'drop':
      return { output: `dropped ${c.dropConnections()} connection(s)` };
    case 'stop': {
      const restartAfter = args[0] ? seconds(args[0], 'stop') : null;
      return {
        output: restartAfter ? `stopping; listening again in ${restartAfter} s` : 'stopping',
        after: async () => {
          await c.stop();
          if (restartAfter) setTimeout(() => void c.start().catch(() => undefined), restartAfter * 1000).unref();
        },
      };
    }
    case 'start':
      await c.start();
      return { output: `listening on ${sim.url}` };
    case 'rebuild':
      return { output: `rebuilt: epoch ${c.rebuild()}` };
    case 'compact': {
      const through = c.compact(args[0] === undefined ? 0 : count(args[0], 'compact'));
      return { output: `log compacted through seq ${through}` };
    }
    case 'dup':
      c.injectDuplicates(count(args[0], 'dup'));
      return { output: `next batches carry ${args[0]} duplicate(s)` };
    case 'ooo':
      c.injectOutOfOrder(count(args[0], 'ooo'));
      return { output: `next batches carry ${args[0]} out-of-order replay(s)` };
    case 'bad':
      return { output: `malformed items at seqs ${c.injectMalformed(count(args[0], 'bad')).join(', ')}` };
    case 'ack-delay':
      c.delayActionAcks(count(args[0], 'ack-delay'));
      return { output: `action answers delayed by ${args[0]} ms` };
    case 'ack-drop':
      c.dropActionAcks(count(args[0], 'ack-drop'));
      return { output: `the next ${args[0]} action answer(s) will be dropped` };
    case 'ack-fail':
      c.failActionsRetryably(count(args[0], 'ack-fail'));
      return { output: `the next ${args[0]} action(s) fail retryably` };
    case 'online':
    case 'offline':
      if (!args[0]) throw new CommandError(`${word}: which station code or camera id?`);
      return { output: `seq ${c.setOnline(args[0], word === 'online')}` };
    case 'remove': {
      const kind = args[0] as Kind;
      if (!KINDS.includes(kind) || !args[1]) throw new CommandError(`remove: expected "remove <kind> <id>" with kind one of ${KINDS.join(', ')}`);
      return { output: `seq ${c.remove(kind, args[1])}` };
    }
    case 'burst':
      return { output: `head seq ${c.burst(count(args[0], 'burst'))}` };
    default:
      throw new CommandError(`unknown command "${word}" (try "help")`);
  }
}
