import type { EventOf, Topic } from '../../../shared/contract';

type Handler<T extends Topic> = (payload: EventOf<T>) => void;

/**
 * The core's event bus: services publish, hosts (IPC bridge, socket.io) forward to renderers.
 * A failing listener is reported and never stops the others.
 */
export class EventBus {
  private readonly handlers = new Map<Topic, Set<(payload: unknown) => void>>();
  private readonly anyHandlers = new Set<(topic: Topic, payload: unknown) => void>();

  on<T extends Topic>(topic: T, handler: Handler<T>): () => void {
    let set = this.handlers.get(topic);
    if (!set) this.handlers.set(topic, (set = new Set()));
    const h = handler as (payload: unknown) => void;
    set.add(h);
    return () => set.delete(h);
  }

  /** Every event, for hosts that forward them all (filtered per subscriber there). */
  onAny(handler: (topic: Topic, payload: unknown) => void): () => void {
    this.anyHandlers.add(handler);
    return () => this.anyHandlers.delete(handler);
  }

  emit<T extends Topic>(topic: T, payload: EventOf<T>): void {
    for (const h of this.handlers.get(topic) ?? []) this.safely(() => h(payload), topic);
    for (const h of this.anyHandlers) this.safely(() => h(topic, payload), topic);
  }

  private safely(fn: () => void, topic: Topic): void {
    try {
      fn();
    } catch (error) {
      console.error(`[events] a listener of ${topic} failed:`, error);
    }
  }
}
