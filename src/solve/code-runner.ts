import { escapeSpecialTokens } from '../format/index.js';
import { executionText, type ExecutionStyle } from '../sandbox/execution-text.js';
import type { Sandbox, SandboxSession } from '../sandbox/types.js';
import type { ExecutionRecord } from './types.js';

export interface CodeRun {
  /** What the model reads: the cell's output in the syntax's style, special-token strings escaped. */
  readonly output: string;
  readonly record: ExecutionRecord;
  readonly durationMs: number;
}

/** Runs a problem's code blocks in one sandbox session (created at the first block), so variables persist. */
export class CodeRunner {
  private session: SandboxSession | null = null;

  constructor(
    private readonly sandbox: Sandbox,
    private readonly style: ExecutionStyle,
    private readonly cellTimeoutMs?: number,
  ) {}

  async run(code: string, remainingMs: number, signal?: AbortSignal): Promise<CodeRun> {
    this.session ??= await this.sandbox.createSession();
    const limit = Math.min(this.cellTimeoutMs ?? Infinity, remainingMs);
    const result = await this.session.run(code, {
      ...(Number.isFinite(limit) ? { timeoutMs: Math.max(1, Math.floor(limit)) } : {}),
      ...(signal ? { signal } : {}),
    });
    return {
      output: escapeSpecialTokens(executionText(result, { style: this.style })),
      record: { status: result.status, executionCount: result.executionCount, truncated: result.truncated, stateLost: result.stateLost },
      durationMs: result.durationMs,
    };
  }

  async close(): Promise<void> {
    await this.session?.close();
    this.session = null;
  }
}
