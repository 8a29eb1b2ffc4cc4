/**
 * The time a real model server would take, for benchmarks against the stand-in server: each completion request
 * occupies one of `slots` sequences (a continuous-batching server's batch) for `prefillMsPerToken` per prompt
 * token plus `msPerToken` per generated token; requests beyond the slots wait for one. The stand-in records the
 * time each request held a slot, so a benchmark can compute the bound the server's capacity sets.
 */
export interface ServingModel {
  readonly slots: number;
  readonly prefillMsPerToken: number;
  readonly msPerToken: number;
}

export interface ServedWork {
  /** The published problem the request belongs to (its question). */
  readonly problem: string;
  readonly promptTokens: number;
  readonly generatedTokens: number;
}

export interface ServedRecord extends ServedWork {
  readonly slotMs: number;
  /** When the request got its slot (performance.now()). */
  readonly startMs: number;
}

export class SimulatedServing {
  private busy = 0;
  private readonly waiting: Array<() => void> = [];
  readonly served: ServedRecord[] = [];

  constructor(readonly model: ServingModel) {}

  durationMs(work: ServedWork): number {
    return work.promptTokens * this.model.prefillMsPerToken + work.generatedTokens * this.model.msPerToken;
  }

  /** Waits for a slot, holds it for the work's duration, then frees it. */
  async serve(work: ServedWork): Promise<void> {
    if (this.busy >= this.model.slots) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.busy += 1;
    const slotMs = this.durationMs(work);
    const startMs = performance.now();
    try {
      await new Promise((resolve) => setTimeout(resolve, slotMs));
    } finally {
      this.served.push({ ...work, slotMs, startMs });
      const next = this.waiting.shift();
      if (next) next();
      else this.busy -= 1;
    }
  }
}
