/**
 * Events are checked against the contract's schemas where they enter the renderer, so a
 * malformed payload is dropped with a message naming the topic instead of breaking a store.
 */
import { events, isTopic, type EventOf, type Topic } from '../../../shared/contract/events';

export function parseEvent<T extends Topic>(topic: T, payload: unknown): EventOf<T> | null {
  if (!isTopic(topic)) return null;
  const parsed = events[topic].safeParse(payload);
  if (parsed.success) return parsed.data as EventOf<T>;
  console.warn(`[hall-client] dropped a malformed "${topic}" event: ${parsed.error.message}`);
  return null;
}
