import type { ErrorBody } from './api-types.js';

export type ApiErrorStatus = 400 | 401 | 404 | 405 | 413 | 429 | 503;

/** A request the server refuses: its status, a short code, and a one-line message that says what to fix. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: ApiErrorStatus,
    readonly code: string,
    message: string,
    /** Extra response headers (Retry-After for 429). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}
