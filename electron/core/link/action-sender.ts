/**
 * Sends the outbox's due actions over the link, one at a time, while the link is online. Each
 * attempt carries the action's id (the platform's idempotency key); no answer within the ack
 * timeout, or a lost connection, reschedules it with backoff; an answer settles it.
 */
import type { Socket } from 'socket.io-client';
import { ActionResult } from '../../../shared/district-link/protocol';
import type { Outbox } from './seams';

export interface ActionSenderDeps {
  outbox: Outbox;
  ackTimeoutMs: number;
  now: () => Date;
  log: (line: string) => void;
  /** The connection's generation now; a send belongs to the generation it started in. */
  generation(): number;
  /** Whether generation `gen` may send (online, subscribed, not taking a snapshot). */
  canSend(gen: number): boolean;
  socket(): Socket | null;
  /** Counters moved (pending/failed). */
  onProgress(): void;
}

/** The sender never sleeps longer than this, so a clock step cannot strand an action. */
const MAX_SLEEP_MS = 300_000;

export class ActionSender {
  private sendingGeneration = -1;
  private inFlight: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private kickPending = false;
  private stopped = false;

  constructor(private readonly deps: ActionSenderDeps) {}

  /**
   * Wakes the sender. Deferred to the next turn: an action enqueued inside a caller's transaction
   * must not be sent before that transaction has committed (or at all if it rolls back).
   */
  kick(): void {
    if (this.kickPending || this.stopped) return;
    this.kickPending = true;
    setImmediate(() => {
      this.kickPending = false;
      void this.pump();
    });
  }

  /** Sends due actions until none is due or the connection changes. */
  async pump(): Promise<void> {
    const { outbox, now } = this.deps;
    const gen = this.deps.generation();
    if (this.stopped || this.sendingGeneration === gen || !this.deps.canSend(gen)) return;
    this.sendingGeneration = gen;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    try {
      while (!this.stopped && this.deps.canSend(gen)) {
        const socket = this.deps.socket();
        const [action] = outbox.due(now(), 1);
        if (!action || !socket) break;
        outbox.markSent(action.id, now());
        this.inFlight = action.id;
        this.deps.onProgress();
        let answer: unknown;
        try {
          answer = await socket.timeout(this.deps.ackTimeoutMs).emitWithAck('link:action', action);
        } catch {
          // Closing: the socket went away under the request and the database is closing too; the
          // row stays "sent" and is sent again at the next start, like after a crash.
          if (this.stopped) return;
          if (this.inFlight === action.id) outbox.retryLater(action.id, `no acknowledgement within ${this.deps.ackTimeoutMs} ms`, now());
          this.inFlight = null;
          continue;
        }
        if (this.stopped) return;
        if (this.inFlight !== action.id) break; // the connection was lost meanwhile: already rescheduled
        this.inFlight = null;
        const result = ActionResult.safeParse(answer);
        if (result.success) {
          const record = outbox.settle(action.id, result.data, now());
          if (record.state === 'failed') this.deps.log(`[link] action ${action.type} ${action.id} refused: ${record.lastError}`);
        } else {
          outbox.retryLater(action.id, `invalid acknowledgement: ${result.error.issues[0]?.message ?? 'rejected'}`, now());
        }
        this.deps.onProgress();
      }
    } finally {
      if (this.sendingGeneration === gen) this.sendingGeneration = -1;
      this.sleepUntilDue();
    }
  }

  /** The connection was lost: the action in flight may or may not have arrived; send it again later. */
  abandonInFlight(reason: string): void {
    if (!this.inFlight || this.stopped) return;
    this.deps.outbox.retryLater(this.inFlight, reason, this.deps.now());
    this.inFlight = null;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private sleepUntilDue(): void {
    if (this.stopped || !this.deps.canSend(this.deps.generation())) return;
    const next = this.deps.outbox.nextDueAt();
    if (!next) return;
    if (this.timer) clearTimeout(this.timer);
    const wait = Math.min(Math.max(0, next.getTime() - this.deps.now().getTime()), MAX_SLEEP_MS);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.pump();
    }, wait);
    this.timer.unref();
  }
}
