import { MathcoderError } from '../errors.js';
import type { SandboxOptions } from './options.js';
import type { SessionProcess } from './session-process.js';
import type { CellResult, RunOptions, SandboxSession } from './types.js';

/** What the sandbox needs to give a session a new process after a kill. */
export interface ProcessSupplier {
  forkProcess(): Promise<SessionProcess>;
  killProcess(process: SessionProcess): void;
  sessionClosed(session: PythonSession): void;
}

type Outcome =
  | { readonly kind: 'reply'; readonly reply: CellResult }
  | { readonly kind: 'kill' | 'died'; readonly reason: string };

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(undefined);
      },
    );
  });
}

/**
 * A stateful Python session: cells share variables, run one at a time, and are interrupted at their time
 * limit. A cell that ignores the interrupt is killed after a grace period and the session continues on a new
 * process (its state is lost, and the result says so, unless restoreStateAfterKill re-runs the earlier cells).
 */
export class PythonSession implements SandboxSession {
  private queue: Promise<unknown> = Promise.resolve();
  private cellId = 0;
  private lastExecutionCount = 0;
  private readonly history: string[] = [];
  private busy = false;
  private closedFlag = false;

  constructor(
    readonly id: string,
    private process: SessionProcess,
    private readonly supplier: ProcessSupplier,
    private readonly options: SandboxOptions,
  ) {}

  get closed(): boolean {
    return this.closedFlag;
  }

  run(code: string, options: RunOptions = {}): Promise<CellResult> {
    const next = this.queue.then(() => this.runNow(code, options));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private send(process: SessionProcess, code: string, timeoutMs: number, signal: AbortSignal | undefined): Promise<Outcome> {
    const id = ++this.cellId;
    const graceMs = this.options.killGraceMs;
    return new Promise<Outcome>((resolve) => {
      let settled = false;
      const cleanups: Array<() => void> = [];
      const finish = (outcome: Outcome) => {
        if (settled) return;
        settled = true;
        for (const cleanup of cleanups) cleanup();
        process.forget(id);
        resolve(outcome);
      };
      const timer = setTimeout(
        () => finish({ kind: 'kill', reason: `the cell ignored its ${timeoutMs / 1000} s time limit for ${graceMs / 1000} s more and was killed` }),
        timeoutMs + graceMs,
      );
      cleanups.push(() => clearTimeout(timer));
      if (signal) {
        const onAbort = () => finish({ kind: 'kill', reason: 'the cell was cancelled' });
        signal.addEventListener('abort', onAbort, { once: true });
        cleanups.push(() => signal.removeEventListener('abort', onAbort));
      }
      cleanups.push(
        process.onExit((code, reason) =>
          finish({
            kind: 'died',
            reason: reason ?? (code === null ? 'the Python process ended during the cell' : `the Python process exited with code ${code} during the cell`),
          }),
        ),
      );
      if (!process.send(id, code, timeoutMs / 1000, (reply) => finish({ kind: 'reply', reply }))) {
        finish({ kind: 'died', reason: 'the Python process had already ended' });
      }
    });
  }

  private async runNow(code: string, options: RunOptions): Promise<CellResult> {
    if (this.closedFlag) throw new MathcoderError('sandbox', `${this.id} is closed`);
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs;
    const started = performance.now();
    this.busy = true;
    try {
      const outcome = options.signal?.aborted
        ? ({ kind: 'kill', reason: 'the cell was cancelled before it ran' } as const)
        : await this.send(this.process, code, timeoutMs, options.signal);
      if (outcome.kind === 'reply') {
        const result = outcome.reply;
        this.lastExecutionCount = result.executionCount;
        if (result.status === 'ok') this.history.push(code);
        return result;
      }
      const restored = await this.replaceProcess();
      const executionCount = this.lastExecutionCount + 1;
      this.lastExecutionCount = restored ? this.lastExecutionCount : 0;
      return {
        status: 'killed',
        executionCount,
        streams: [],
        result: null,
        displays: [],
        error: null,
        truncated: false,
        outputChars: 0,
        durationMs: performance.now() - started,
        stateLost: !restored,
        message: restored
          ? `${outcome.reason}; the session was restarted and its earlier cells were run again`
          : `${outcome.reason}; the Python session was restarted and its variables are lost`,
      };
    } finally {
      this.busy = false;
    }
  }

  /** Kills the current process, starts a fresh one, and (when configured) re-runs the cells that succeeded. */
  private async replaceProcess(): Promise<boolean> {
    const old = this.process;
    if (!old.exited) {
      this.supplier.killProcess(old);
      await withTimeout(old.whenExited(), 5_000);
    }
    if (this.closedFlag) return false;
    this.process = await this.supplier.forkProcess();
    if (!this.options.restoreStateAfterKill || this.history.length === 0) {
      this.history.length = 0;
      return false;
    }
    for (const cell of this.history) {
      const outcome = await this.send(this.process, cell, this.options.timeoutMs, undefined);
      if (outcome.kind !== 'reply' || outcome.reply.status !== 'ok') {
        this.history.length = 0;
        return false;
      }
      this.lastExecutionCount = outcome.reply.executionCount;
    }
    return true;
  }

  async close(): Promise<void> {
    if (this.closedFlag) return;
    this.closedFlag = true;
    this.supplier.sessionClosed(this);
    const process = this.process;
    if (this.busy) this.supplier.killProcess(process);
    else {
      process.channel.send({ op: 'close' });
      process.channel.close();
    }
    if ((await withTimeout(process.whenExited(), 3_000)) === undefined && !process.exited) {
      this.supplier.killProcess(process);
      await withTimeout(process.whenExited(), 3_000);
    }
  }
}
