import type { ErrorCode } from '../../../shared/contract';

/** Thrown inside the core by services; the registry turns it into `{ ok: false, error }`. */
export class HallError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'HallError';
  }
}
