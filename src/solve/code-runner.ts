import type { ExecutionPolicy } from '../format/index.js';
import type { Sandbox, SandboxSession } from '../sandbox/types.js';
import { runProgram } from './execution-output.js';
import type { ExecutionRecord } from './types.js';

export interface CodeRun {
  /** What the model reads: the output in the dialect's style, its control-token text neutralised. */
  readonly output: string;
  readonly record: ExecutionRecord;
  readonly durationMs: number;
}

/**
 * Runs a problem's programs as the dialect's policy says: in one sandbox session created at the first program
 * (variables persist), or each in a fresh session (stateless dialects, and Qwen's re-running of earlier programs).
 */
export class CodeRunner {
  private session: SandboxSession | null = null;

  constructor(
    private readonly sandbox: Sandbox,
    private readonly policy: ExecutionPolicy,
    private readonly escape: (text: string) => string,
    private readonly cellTimeoutMs?: number,
  ) {}

  async run(code: string, remainingMs: number, signal?: AbortSignal): Promise<CodeRun> {
    const stateful = this.policy.state === 'stateful';
    const session = stateful ? (this.session ??= await this.sandbox.createSession()) : await this.sandbox.createSession();
    try {
      const limit = Math.min(this.cellTimeoutMs ?? this.policy.timeoutMs ?? Infinity, remainingMs);
      const options = { ...(Number.isFinite(limit) ? { timeoutMs: Math.max(1, Math.floor(limit)) } : {}), ...(signal ? { signal } : {}) };
      const ran = await runProgram(session, code, this.policy, options);
      const { result } = ran;
      return {
        output: this.escape(ran.text),
        record: { status: result.status, executionCount: result.executionCount, truncated: result.truncated, stateLost: result.stateLost },
        durationMs: ran.durationMs,
      };
    } finally {
      if (!stateful) await session.close();
    }
  }

  async close(): Promise<void> {
    await this.session?.close();
    this.session = null;
  }
}
