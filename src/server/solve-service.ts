import { getSyntax, type SyntaxName } from '../format/index.js';
import type { ModelBackend } from '../llm/create-backend.js';
import type { Sandbox } from '../sandbox/types.js';
import { CodeRunner } from '../solve/code-runner.js';
import { solveProblem, type SolveEvent, type SolveResult } from '../solve/index.js';
import { ApiError } from './api-error.js';
import type { ExecuteResult, ModelSummary } from './api-types.js';
import { JobQueue, type QueueTicket } from './job-queue.js';
import type { ExecuteRequest, SolveRequest } from './request-bodies.js';

export interface QueueLimits {
  readonly concurrency: number;
  readonly maxWaiting: number;
}

export interface SolveServiceOptions {
  /** null: the server shows runs and runs code, but answers POST /v1/solve with 503. */
  readonly backend: ModelBackend | null;
  /** The trajectory syntax the backend's model writes. */
  readonly syntax: SyntaxName;
  readonly sandbox: Sandbox;
  /** Wall-clock limit of one code cell. */
  readonly cellTimeoutMs: number;
  readonly solveQueue: QueueLimits;
  readonly executeQueue: QueueLimits;
}

/**
 * Solving and running code for the HTTP API: every job goes through a bounded queue, runs with the request's
 * abort signal (a client that goes away cancels its job, which closes its sandbox session), and is cancelled when
 * the server closes.
 */
export class SolveService {
  readonly solveQueue: JobQueue;
  readonly executeQueue: JobQueue;
  private readonly shutdown = new AbortController();

  constructor(private readonly options: SolveServiceOptions) {
    this.solveQueue = new JobQueue({ ...options.solveQueue, name: 'solve' });
    this.executeQueue = new JobQueue({ ...options.executeQueue, name: 'execute' });
  }

  get model(): ModelSummary | null {
    const backend = this.options.backend;
    return backend ? { backend: backend.info.kind, name: backend.info.model, contextSize: backend.info.contextSize } : null;
  }

  get sandbox(): Sandbox {
    return this.options.sandbox;
  }

  get cellTimeoutMs(): number {
    return this.options.cellTimeoutMs;
  }

  /** A place in the solve queue, or a 503 (no model) / 429 (queue full) before any response is started. */
  admitSolve(signal: AbortSignal): QueueTicket {
    if (!this.options.backend) throw new ApiError(503, 'no-model', 'this server has no model: start it with --model FILE.gguf (or --backend and --base-url) to solve problems');
    return this.solveQueue.admit(this.jobSignal(signal));
  }

  admitExecute(signal: AbortSignal): QueueTicket {
    return this.executeQueue.admit(this.jobSignal(signal));
  }

  /** The job stops when its client goes away or the server closes. */
  jobSignal(signal: AbortSignal): AbortSignal {
    return AbortSignal.any([signal, this.shutdown.signal]);
  }

  /** Solves once `ticket` is ready; releases it when done. */
  async solve(request: SolveRequest, ticket: QueueTicket, signal: AbortSignal, onEvent?: (event: SolveEvent) => void): Promise<SolveResult> {
    try {
      await ticket.ready;
      const syntax = this.options.syntax;
      return await solveProblem(request.question, this.options.backend!, this.options.sandbox, {
        ...request.options,
        syntax,
        prompt: { querySuffix: syntax === 'mathcoder' ? '\n' : '', ...request.options.prompt },
        signal: this.jobSignal(signal),
        ...(onEvent ? { onEvent } : {}),
      });
    } finally {
      ticket.release();
    }
  }

  /**
   * Runs an edited code cell in a fresh sandbox session, after replaying the cells before it (so its variables
   * are there), and closes the session: re-running never disturbs another solve's session. The setup cells and
   * the cell share one time budget (the request's timeout_seconds, else the cell time limit).
   */
  async execute(request: ExecuteRequest, ticket: QueueTicket, signal: AbortSignal): Promise<ExecuteResult> {
    try {
      await ticket.ready;
      const syntax = getSyntax(this.options.syntax);
      // One time budget for the replayed cells and the cell together: a long list of setup cells cannot hold a
      // slot for longer than one cell's limit.
      const budgetMs = request.timeoutMs ?? this.options.cellTimeoutMs;
      const deadline = performance.now() + budgetMs;
      // The cells above run first in the same session, whatever the dialect's own state policy.
      const runner = new CodeRunner(this.options.sandbox, { ...syntax.execution, state: 'stateful' }, syntax.escape, budgetMs);
      const jobSignal = this.jobSignal(signal);
      const spent = `not run: the time budget of ${budgetMs / 1000} s for the setup cells and the cell was spent`;
      try {
        const setup: Array<ExecuteResult['setup'][number]> = [];
        for (const code of request.setup) {
          const left = deadline - performance.now();
          if (left <= 0) {
            setup.push({ status: 'timeout', output: spent });
            continue;
          }
          const run = await runner.run(code, left, jobSignal);
          setup.push({ status: run.record.status, output: run.output });
        }
        const left = deadline - performance.now();
        if (left <= 0) {
          return { output: spent, execution: { status: 'timeout', executionCount: 0, truncated: false, stateLost: false }, durationMs: 0, setup };
        }
        const run = await runner.run(request.code, left, jobSignal);
        return { output: run.output, execution: run.record, durationMs: run.durationMs, setup };
      } finally {
        await runner.close();
      }
    } finally {
      ticket.release();
    }
  }

  /** Cancels every job in flight (their sessions close as they stop). */
  close(): void {
    this.shutdown.abort(new Error('the server is closing'));
  }
}
