import { MathcoderError } from '../errors.js';

/**
 * The error kinds a backend throws that the solve loop turns into a stop reason instead of failing:
 * `context-overflow` (the prompt no longer fits the model's window), `aborted` (the caller's signal fired,
 * e.g. the problem's deadline) and `backend` (a model server that stays down, errs or hangs after retries).
 */
export const CONTEXT_OVERFLOW = 'context-overflow';
export const ABORTED = 'aborted';
export const BACKEND_FAILURE = 'backend';

export function contextOverflowError(promptTokens: number, contextSize: number): MathcoderError {
  return new MathcoderError(CONTEXT_OVERFLOW, `the prompt has ${promptTokens} tokens and the model's context holds ${contextSize}`);
}

export function abortedError(signal: AbortSignal): MathcoderError {
  const reason = signal.reason instanceof Error ? signal.reason.message : typeof signal.reason === 'string' ? signal.reason : 'the request was cancelled';
  return new MathcoderError(ABORTED, reason);
}

export function isErrorOfKind(error: unknown, kind: string): error is MathcoderError {
  return error instanceof MathcoderError && error.kind === kind;
}

/**
 * A model server that stayed down, erred (5xx, 429) or hung through every retry: the request may succeed on
 * another server serving the same model. A `backend` failure like any other for the solve loop.
 */
export class ServerUnavailableError extends MathcoderError {
  override readonly name = 'ServerUnavailableError';

  constructor(message: string) {
    super(BACKEND_FAILURE, message);
  }
}
