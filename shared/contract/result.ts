/**
 * The result envelope every method returns across a boundary (IPC, HTTP, socket.io).
 * A thrown error never crosses a boundary: the core turns it into `{ ok: false, error }`.
 */
export const ERROR_CODES = [
  'invalid_params',
  'invalid_cap',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'throttled',
  'unavailable',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface HallErrorBody {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: HallErrorBody };

/** HTTP status for each error code: bad input is always 4xx, never 5xx. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  invalid_params: 400,
  invalid_cap: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  throttled: 429,
  unavailable: 503,
  internal: 500,
};

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail(code: ErrorCode, message: string, details?: unknown): Result<never> {
  return details === undefined ? { ok: false, error: { code, message } } : { ok: false, error: { code, message, details } };
}
