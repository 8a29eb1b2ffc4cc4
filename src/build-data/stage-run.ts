import { setMaxListeners } from 'node:events';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { MathcoderError, errorMessage } from '../errors.js';
import type { Sandbox, SandboxInfo } from '../sandbox/types.js';
import type { SeedProblem } from './seed-problem.js';
import type { StageInput } from './stage-manifest.js';

/** Where a stage is, as its progress display shows it: pieces of work done (before and now), kept, failed. */
export interface StageProgress {
  readonly done: number;
  readonly total: number;
  readonly kept: number;
  readonly failed: number;
}

/** What d0 and d1 are given besides their models and settings. */
export interface StageRunOptions<Progress extends StageProgress> {
  readonly outDir: string;
  readonly seeds: readonly SeedProblem[];
  /** Input files for the manifest (the seeds file with its hash). */
  readonly inputs: readonly StageInput[];
  readonly sandbox: Sandbox & { readonly info: SandboxInfo };
  readonly command: readonly string[];
  /** Mix rows made with other models or settings into the folder anyway. */
  readonly force?: boolean;
  /** Stop after this many pieces of work in a row the model server could not finish (default 5). */
  readonly maxConsecutiveFailures?: number;
  readonly onStart?: (plan: { readonly total: number; readonly alreadyDone: number; readonly alreadyKept: number }) => void;
  readonly onProgress?: (progress: Progress) => void;
  readonly signal?: AbortSignal;
}

/** What a stage did. */
export interface StageOutcome {
  readonly written: number;
  readonly skipped: number;
  readonly failed: number;
  /** Bytes of a row torn by an earlier crash, cut off before resuming. */
  readonly repairedBytes: number;
  readonly stoppedEarly: string | null;
  readonly keptPath: string;
}

/** Creates a stage's folder and checks that it can be written, with an error that says what to do. */
export function prepareStageFolder(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (error) {
    throw new MathcoderError('output', `cannot write the folder ${dir}: ${errorMessage(error)}; choose another --out`);
  }
}

/**
 * The stop switch of a concurrent stage: the caller's signal (Ctrl-C), or too many pieces of work in a row that the
 * model server could not finish (it is down, or refuses every request), stops new work; what is in flight ends
 * as aborted and is redone when the stage is run again.
 */
export class StageRunControl {
  private readonly controller = new AbortController();
  private consecutiveFailures = 0;
  private reason: string | null = null;
  private readonly onCallerAbort = () => {
    this.reason ??= 'interrupted';
    this.controller.abort();
  };

  constructor(
    private readonly callerSignal: AbortSignal | undefined,
    private readonly maxConsecutiveFailures = 5,
  ) {
    setMaxListeners(Infinity, this.controller.signal); // every request in flight listens to it
    callerSignal?.addEventListener('abort', this.onCallerAbort, { once: true });
    if (callerSignal?.aborted) this.onCallerAbort();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get stopped(): boolean {
    return this.controller.signal.aborted;
  }

  /** Why the stage stopped before doing everything, or null. */
  get stoppedEarly(): string | null {
    return this.reason;
  }

  succeeded(): void {
    this.consecutiveFailures = 0;
  }

  failed(message: string): void {
    this.consecutiveFailures += 1;
    if (this.consecutiveFailures >= this.maxConsecutiveFailures && !this.stopped) {
      this.reason = `the model server failed ${this.consecutiveFailures} times in a row (last: ${message})`;
      this.controller.abort();
    }
  }

  dispose(): void {
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
  }
}
