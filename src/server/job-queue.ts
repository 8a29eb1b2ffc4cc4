import { ApiError } from './api-error.js';
import type { QueueState } from './api-types.js';

export interface JobQueueOptions {
  /** Jobs that run at once. */
  readonly concurrency: number;
  /** Jobs that may wait for a slot; one more is refused with 429. */
  readonly maxWaiting: number;
  /** Names the queue in the 429 message (`solve`, `execute`). */
  readonly name: string;
}

interface Waiter {
  granted: boolean;
  grant: () => void;
  reject: (error: unknown) => void;
}

/** What `admit` hands back: wait for a slot, then release it when the job is done. */
export interface QueueTicket {
  /** The jobs ahead of this one when it was admitted (0: it runs at once). */
  readonly position: number;
  /** Resolves when the job may start; rejects with the signal's reason if it is aborted while waiting. */
  readonly ready: Promise<void>;
  /** Frees the slot (or the place in line); safe to call more than once. */
  release(): void;
}

/**
 * A bounded queue of jobs: `concurrency` run at once, up to `maxWaiting` wait in order, and any more are refused at
 * once with a 429 (the caller tries again later). A waiting job whose signal aborts (its client went away) leaves
 * the line without ever taking a slot.
 */
export class JobQueue {
  private running = 0;
  private readonly waiting: Waiter[] = [];

  constructor(private readonly options: JobQueueOptions) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) throw new RangeError('concurrency must be a positive integer');
    if (!Number.isInteger(options.maxWaiting) || options.maxWaiting < 0) throw new RangeError('maxWaiting must be a whole number');
  }

  get state(): QueueState {
    return { running: this.running, waiting: this.waiting.length, concurrency: this.options.concurrency, maxWaiting: this.options.maxWaiting };
  }

  /** Takes a slot or a place in line, or throws a 429 ApiError when the line is full. */
  admit(signal?: AbortSignal): QueueTicket {
    if (this.running < this.options.concurrency) {
      this.running += 1;
      return this.ticket({ granted: true, grant: () => undefined, reject: () => undefined }, 0, Promise.resolve());
    }
    if (this.waiting.length >= this.options.maxWaiting) {
      const { concurrency, maxWaiting } = this.options;
      throw new ApiError(429, 'queue-full', `the ${this.options.name} queue is full (${concurrency} running, ${maxWaiting} waiting): try again later`, { 'retry-after': '1' });
    }
    const waiter: Waiter = { granted: false, grant: () => undefined, reject: () => undefined };
    const ready = new Promise<void>((resolve, reject) => {
      waiter.grant = resolve;
      waiter.reject = reject;
    });
    ready.catch(() => undefined);
    this.waiting.push(waiter);
    const position = this.waiting.length;
    const onAbort = () => {
      if (this.leaveLine(waiter)) waiter.reject(signal!.reason);
    };
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    return this.ticket(waiter, position, ready, () => signal?.removeEventListener('abort', onAbort));
  }

  private ticket(waiter: Waiter, position: number, ready: Promise<void>, cleanup: () => void = () => undefined): QueueTicket {
    let released = false;
    return {
      position,
      ready,
      release: () => {
        if (released) return;
        released = true;
        cleanup();
        if (waiter.granted) this.next();
        else if (this.leaveLine(waiter)) waiter.reject(new Error('released before it started'));
      },
    };
  }

  private leaveLine(waiter: Waiter): boolean {
    const index = this.waiting.indexOf(waiter);
    if (index < 0) return false;
    this.waiting.splice(index, 1);
    return true;
  }

  /** A finished job hands its slot to the first in line, or frees it. */
  private next(): void {
    const waiter = this.waiting.shift();
    if (!waiter) {
      this.running -= 1;
      return;
    }
    waiter.granted = true;
    waiter.grant();
  }
}
