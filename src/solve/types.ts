import type { Block, BlockType, PromptOptions, SyntaxName } from '../format/index.js';
import type { BackendKind, Sampling } from '../llm/types.js';
import type { CellStatus } from '../sandbox/types.js';

/**
 * Why a problem's loop ended:
 * - `finished`: the model ended its message (`<|endofmessage|>`; EOS for Markdown models; a chat answer
 *   without a tool call);
 * - `eos`: a MathCoder-syntax model wrote its end-of-sequence token without `<|endofmessage|>`;
 * - `max_rounds`: the generation calls ran out (16 as the released code, 32 as the paper);
 * - `context_overflow`: the next prompt would not leave room in the model's context (counted before each call;
 *   the question is never truncated away);
 * - `deadline`: the problem's wall-clock limit passed;
 * - `loop`: the model wrote the same code block again and again;
 * - `max_executions`: the dialect's execution budget was spent (Qwen2.5-Math stops after its fourth program; in
 *   NeMo-Skills' OpenMath dialect a program written after the eighth is not run);
 * - `backend_error`: the model server failed after retries (the message is in `error`);
 * - `aborted`: the caller's signal cancelled the problem.
 */
export const STOP_REASONS = ['finished', 'eos', 'max_rounds', 'max_executions', 'context_overflow', 'deadline', 'loop', 'backend_error', 'aborted'] as const;
export type StopReason = (typeof STOP_REASONS)[number];

export interface ExecutionRecord {
  readonly status: CellStatus;
  readonly executionCount: number;
  readonly truncated: boolean;
  /** The sandbox restarted the session: earlier variables are gone. */
  readonly stateLost: boolean;
}

export interface TrajectoryBlock extends Block {
  /** The generation call that wrote the block (1-based); an execution block has its code block's round. */
  readonly round: number;
  /** When the block began, in ms since the problem started. */
  readonly startMs: number;
  /** The generation call's time (shared by the blocks it wrote), or the cell's run time. */
  readonly durationMs: number;
  /** A model block ended with its terminator (false when cut by a token limit or the end of the loop). */
  readonly closed: boolean;
  readonly execution?: ExecutionRecord;
}

export interface TokenCounts {
  /** Tokens of the first prompt (BOS included), when the backend counts them. */
  readonly prompt: number | null;
  readonly generated: number;
  /** Tokens the engine evaluated over the whole problem (embedded: with KV reuse); null when unknown. */
  readonly evaluated: number | null;
  /** Tokens of the whole trajectory as the model last saw it, when known. */
  readonly total: number | null;
}

export interface SolveTimings {
  readonly totalMs: number;
  readonly generationMs: number;
  readonly executionMs: number;
}

export interface SolveResult {
  readonly question: string;
  readonly syntax: SyntaxName | 'chat';
  readonly backend: BackendKind;
  readonly model: string;
  readonly blocks: readonly TrajectoryBlock[];
  /**
   * The final answers of the last message, by the `final-answers@1` policy (src/grade/final-answers.ts): every
   * `\boxed{}` of the final text, or the answer it states; several when the model gives several.
   */
  readonly answers: readonly string[];
  /** The answers shown as one (several joined by "; "); null when there is none. */
  readonly answer: string | null;
  /** The extraction policy that found them (`final-answers@1`). */
  readonly answerPolicy: string;
  readonly stopReason: StopReason;
  /** What failed, for `backend_error`. */
  readonly error: string | null;
  readonly rounds: number;
  readonly tokens: TokenCounts;
  readonly timings: SolveTimings;
  /** The exact text the model continued last (completion backends); null for chat. */
  readonly transcript: string | null;
}

export interface SolveLimits {
  /** Generation calls per problem (16 as the released code; the paper's 32 LCE blocks). */
  readonly maxRounds: number;
  /** New tokens per generation call (512 as the released code). */
  readonly maxTokensPerBlock: number;
  /** Wall-clock limit per problem; null for none. */
  readonly deadlineMs: number | null;
  /** Stop when the same code block has been written this many times; null turns loop detection off. */
  readonly loopRepeats: number | null;
}

/** What a problem's loop reports as it goes (the CLI streams these to the terminal). */
export type SolveEvent =
  | { readonly type: 'block-start'; readonly blockType: BlockType; readonly round: number }
  | { readonly type: 'block-text'; readonly blockType: BlockType; readonly delta: string }
  | { readonly type: 'block-end'; readonly block: TrajectoryBlock }
  | { readonly type: 'round-end'; readonly round: number };

export interface SolveOptions {
  readonly syntax: SyntaxName;
  /** System text and query suffix (SPEC 1.7); BOS is the backend's setting. */
  readonly prompt: Omit<PromptOptions, 'bos'>;
  readonly limits: SolveLimits;
  readonly sampling: Sampling;
  /** Wall-clock limit of one cell; the dialect's own (else the sandbox's default) when absent. */
  readonly cellTimeoutMs?: number;
  /** The chat backend's system message (chat models get the tool's instructions here). */
  readonly chatSystem?: string;
  readonly onEvent?: (event: SolveEvent) => void;
  readonly signal?: AbortSignal;
}
