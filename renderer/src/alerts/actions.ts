/** Which desk actions an alert's state allows: closed, cancelled and escalated alerts only export. */
import type { DeskState } from '../../../shared/contract';

/** The actions that ask for text in a dialog. */
export type ActionKind = 'ack' | 'close' | 'escalate';

export type DeskAction = 'ack' | 'handle' | 'close' | 'escalate' | 'export';

const ALLOWED: Record<DeskState, readonly DeskAction[]> = {
  new: ['ack', 'handle', 'close', 'escalate', 'export'],
  acknowledged: ['handle', 'close', 'escalate', 'export'],
  handling: ['close', 'escalate', 'export'],
  closed: ['export'],
  escalated: ['export'],
  cancelled: ['export'],
};

export function canDo(state: DeskState | null | undefined, action: DeskAction): boolean {
  return state ? ALLOWED[state].includes(action) : false;
}
