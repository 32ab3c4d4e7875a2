/**
 * The IPC channel names, shared by the preload and main's IPC bridge (and nothing else).
 * Kept in one tiny module with no imports so the sandboxed preload bundle stays small.
 */
export const IPC = {
  /** renderer → main (invoke/handle): (method: string, params: unknown) → Result */
  invoke: 'hall:invoke',
  /** renderer → main (send): (topic: string) — start receiving a topic */
  subscribe: 'hall:subscribe',
  /** renderer → main (send): (topic: string) — stop receiving a topic */
  unsubscribe: 'hall:unsubscribe',
  /** main → renderer (webContents.send): (topic: string, payload: unknown) */
  event: 'hall:event',
} as const;
