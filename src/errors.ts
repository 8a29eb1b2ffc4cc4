/**
 * One error type for every failure of the infrastructure (bad input files, a missing Python,
 * a model server that is down). Model output and failing user code are data, never errors.
 * The CLI's entry point is the only place that catches these: it prints `message` on one line.
 */
export class MathcoderError extends Error {
  override readonly name: string = 'MathcoderError';
  /** A short machine-readable kind, e.g. `input`, `python-missing`, `sandbox`. */
  readonly kind: string;

  constructor(kind: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
  }
}

export function isMathcoderError(error: unknown): error is MathcoderError {
  return error instanceof MathcoderError;
}

/** The message of any thrown value, on one line. */
export function errorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
