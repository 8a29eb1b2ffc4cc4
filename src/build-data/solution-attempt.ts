import { z } from 'zod';
import { answerCompletion } from '../eval/run-eval.js';
import type { SyntaxName } from '../format/index.js';
import type { ModelBackend } from '../llm/create-backend.js';
import type { Sandbox } from '../sandbox/types.js';
import { solveProblem } from '../solve/solve-problem.js';
import { STOP_REASONS, type SolveResult, type SolveTimings, type StopReason, type TokenCounts, type TrajectoryBlock } from '../solve/types.js';
import { meteredBackend, type TokenUsage } from './metered-backend.js';
import { looksLikeRefusal } from './refusal.js';

/**
 * One solution of one problem by a model (a D0 teacher solution, or one of a D1 student's n samples): the solve
 * loop's trajectory with what it cost, and the faults that make it unusable as training data.
 */
export interface SolveSettings {
  /** The prompt format of a completion model (chat models call the python tool). */
  readonly syntax: SyntaxName;
  readonly system: string | null;
  readonly querySuffix: string;
  /** A chat model's system message; null for the solve loop's own (CHAT_SYSTEM_PROMPT). */
  readonly chatSystem: string | null;
  readonly maxRounds: number;
  readonly maxTokensPerBlock: number;
  readonly deadlineMs: number | null;
  readonly loopRepeats: number | null;
  readonly cellTimeoutMs: number;
}

export interface SamplingSettings {
  readonly temperature: number;
  readonly topP: number;
  /** The seed of sample 0; sample s uses seed + s. */
  readonly seed: number;
}

export interface AttemptRecord {
  /** `${id}#${sample}`: what resuming matches on. */
  readonly key: string;
  /** The problem's id (a seed's, or an interpolated problem's). */
  readonly id: string;
  readonly sample: number;
  readonly seed: number;
  readonly question: string;
  /** `failed`: the model server could not finish (redone when resumed). */
  readonly status: 'done' | 'failed';
  readonly stop_reason: StopReason;
  readonly error: string | null;
  readonly blocks: readonly TrajectoryBlock[];
  /** The last `\boxed{}` of the text. */
  readonly answer: string | null;
  /** The final answer text the graders read (as evaluation does). */
  readonly completion: string;
  /** Tool calls (code blocks) and those whose arguments were not `{"code": …}` for the python tool. */
  readonly tool_calls: { readonly calls: number; readonly malformed: number };
  readonly rounds: number;
  readonly tokens: TokenCounts;
  /** Requests and tokens billed for this solution (every request's prompt counted). */
  readonly usage: TokenUsage;
  readonly timings: SolveTimings;
  readonly started_at: string;
  readonly time: string;
}

export const attemptRecordShape = {
  key: z.string(),
  id: z.string(),
  sample: z.number().int().nonnegative(),
  seed: z.number(),
  question: z.string(),
  status: z.enum(['done', 'failed']),
  stop_reason: z.enum(STOP_REASONS),
  error: z.string().nullable(),
  blocks: z.array(z.looseObject({ type: z.enum(['text', 'code', 'execution']), content: z.string() })),
  answer: z.string().nullable(),
  completion: z.string(),
  tool_calls: z.looseObject({ calls: z.number(), malformed: z.number() }),
  rounds: z.number(),
  usage: z.looseObject({ requests: z.number(), promptTokens: z.number(), completionTokens: z.number(), uncounted: z.number() }),
  started_at: z.string(),
  time: z.string(),
};

export function attemptKey(id: string, sample: number): string {
  return `${id}#${sample}`;
}

/** Code blocks; an execution block without an execution record answers a tool call that could not be run. */
function toolCallCounts(blocks: readonly TrajectoryBlock[]): AttemptRecord['tool_calls'] {
  return {
    calls: blocks.filter((block) => block.type === 'code').length,
    malformed: blocks.filter((block) => block.type === 'execution' && block.execution === undefined).length,
  };
}

export async function solveAttempt(
  problem: { readonly id: string; readonly question: string },
  sample: number,
  backend: ModelBackend,
  sandbox: Sandbox,
  settings: { readonly solve: SolveSettings; readonly sampling: SamplingSettings },
  signal: AbortSignal,
): Promise<{ readonly record: AttemptRecord; readonly result: SolveResult }> {
  const startedAt = new Date().toISOString();
  const metered = meteredBackend(backend);
  const { solve, sampling } = settings;
  const seed = sampling.seed + sample;
  const result = await solveProblem(problem.question, metered.backend, sandbox, {
    syntax: solve.syntax,
    prompt: { system: solve.system, querySuffix: solve.querySuffix },
    ...(solve.chatSystem === null ? {} : { chatSystem: solve.chatSystem }),
    limits: { maxRounds: solve.maxRounds, maxTokensPerBlock: solve.maxTokensPerBlock, deadlineMs: solve.deadlineMs, loopRepeats: solve.loopRepeats },
    sampling: { temperature: sampling.temperature, topP: sampling.topP, seed },
    cellTimeoutMs: solve.cellTimeoutMs,
    signal,
  });
  const failed = result.stopReason === 'backend_error' || result.stopReason === 'aborted';
  return {
    result,
    record: {
      key: attemptKey(problem.id, sample),
      id: problem.id,
      sample,
      seed,
      question: problem.question,
      status: failed ? 'failed' : 'done',
      stop_reason: result.stopReason,
      error: result.error,
      blocks: result.blocks,
      answer: result.answer,
      completion: answerCompletion(result),
      tool_calls: toolCallCounts(result.blocks),
      rounds: result.rounds,
      tokens: result.tokens,
      usage: { ...metered.usage },
      timings: result.timings,
      started_at: startedAt,
      time: new Date().toISOString(),
    },
  };
}

/**
 * Why a finished-or-not solution cannot be training data, whatever its answer: `unfinished` (a limit or the
 * model's end-of-sequence stopped it), `malformed-tool-call` (a tool call that was not `{"code": …}` for python:
 * its code block would teach garbage), `refusal`, `no-answer` (no `\boxed{}`). Null when it can be judged on its
 * answer.
 */
export type AttemptFault = 'unfinished' | 'malformed-tool-call' | 'refusal' | 'no-answer';

export function attemptFault(record: Pick<AttemptRecord, 'stop_reason' | 'tool_calls' | 'answer' | 'blocks'>): AttemptFault | null {
  if (record.stop_reason !== 'finished') return 'unfinished';
  if (record.tool_calls.malformed > 0) return 'malformed-tool-call';
  if (record.answer === null || record.answer.trim() === '') {
    const text = record.blocks.filter((block) => block.type === 'text').map((block) => block.content).join('\n');
    return looksLikeRefusal(text) ? 'refusal' : 'no-answer';
  }
  return null;
}
