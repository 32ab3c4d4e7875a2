/**
 * One fetch at a time: a call while one runs folds into exactly one more run after it, so a burst
 * of `incidents.changed` events costs at most two requests per part, never a pile.
 */
export function coalesced(run: () => Promise<void>): () => Promise<void> {
  let again = false;
  let running: Promise<void> | null = null;
  return () => {
    again = true;
    running ??= (async () => {
      try {
        while (again) {
          again = false;
          await run();
        }
      } finally {
        running = null;
      }
    })();
    return running;
  };
}

/** The parts of an incident the room holds, each refetched on its own. */
export const INCIDENT_PARTS = ['detail', 'timeline', 'tasks', 'evacuation', 'losses'] as const;
export type IncidentPart = (typeof INCIDENT_PARTS)[number];

/**
 * The parts to refetch for the part names an `incidents.changed` event carries. The core may name
 * finer parts (level, checklist, proposals, reports, status…): those live in the detail. An unknown
 * name, or none at all, refetches everything — better one request too many than a stale screen.
 */
export function partsToRefetch(parts: readonly string[]): Set<IncidentPart> {
  const out = new Set<IncidentPart>();
  if (!parts.length) return new Set(INCIDENT_PARTS);
  for (const p of parts) {
    switch (p) {
      case 'detail':
      case 'incident':
      case 'level':
      case 'checklist':
      case 'proposals':
      case 'reports':
      case 'status':
      case 'kpis':
      case 'cameras':
        out.add('detail');
        break;
      case 'timeline':
      case 'log':
        out.add('timeline');
        break;
      case 'tasks':
        out.add('tasks').add('detail');
        break;
      case 'evacuation':
        out.add('evacuation').add('detail');
        break;
      case 'losses':
        out.add('losses');
        break;
      default:
        INCIDENT_PARTS.forEach((x) => out.add(x));
    }
  }
  return out;
}

/** Whether the commander's queue may have moved with these parts. */
export const touchesQueue = (parts: readonly string[]): boolean => !parts.length || parts.some((p) => p === 'proposals' || p === 'level' || p === 'queue' || p === 'detail' || p === 'incident');
