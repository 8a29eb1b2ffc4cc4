import type { StopReason } from './types.js';

/**
 * A problem's wall-clock deadline and the caller's cancel signal, as one AbortSignal for backends and a stop
 * reason for the loop.
 */
export class ProblemDeadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout | null;
  private readonly endsAt: number | null;
  private readonly onCallerAbort = () => this.controller.abort(new Error('cancelled'));

  constructor(
    deadlineMs: number | null,
    private readonly callerSignal?: AbortSignal,
  ) {
    this.endsAt = deadlineMs === null ? null : Date.now() + deadlineMs;
    this.timer = deadlineMs === null ? null : setTimeout(() => this.controller.abort(new Error('the problem deadline passed')), deadlineMs);
    this.timer?.unref();
    if (callerSignal?.aborted) this.onCallerAbort();
    else callerSignal?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Time left (ms), Infinity without a deadline. */
  remainingMs(): number {
    return this.endsAt === null ? Infinity : Math.max(0, this.endsAt - Date.now());
  }

  /** `deadline` or `aborted` once either has happened, else null. */
  stopReason(): StopReason | null {
    if (this.callerSignal?.aborted) return 'aborted';
    if (this.controller.signal.aborted || this.remainingMs() === 0) return 'deadline';
    return null;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
  }
}
