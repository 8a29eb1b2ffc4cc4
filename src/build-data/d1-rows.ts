import { z } from 'zod';
import { DEGENERATE_REASONS, type DegenerateReason } from './interpolated-problem.js';
import type { Difficulty, JudgeVerdict } from './interpolation-prompts.js';
import type { TokenUsage } from './metered-backend.js';
import { rowParser } from './row-parser.js';
import { attemptRecordShape, type AttemptFault, type AttemptRecord } from './solution-attempt.js';

/**
 * The three append-only files of a D1 run:
 * - interpolations.jsonl: per (GSM8K, MATH) pair, the teacher's new problem (prompt, reply, the question read
 *   from it), why it was dropped if it was (degenerate, or outside the judged difficulty band), the judge's
 *   verdicts;
 * - solutions.jsonl: per new problem and sample, the student's solution (as a D0 attempt);
 * - decisions.jsonl: per new problem once its n solutions are in, whether all n answers agree and which
 *   solutions are usable.
 */
export interface JudgeRecord {
  readonly reply: string;
  readonly verdict: JudgeVerdict;
  /** The new problem compared with the source. */
  readonly difficulty: Difficulty;
}

export type InterpolationDrop = DegenerateReason | 'outside-judged-band';

export interface InterpolationRow {
  readonly key: string;
  readonly index: number;
  readonly gsm8k: { readonly id: string; readonly question: string };
  readonly math: { readonly id: string; readonly question: string; readonly level?: number; readonly subject?: string };
  readonly status: 'done' | 'failed';
  readonly error: string | null;
  readonly prompt: string;
  readonly reply: string;
  readonly finish_reason: string;
  /** The new problem read from the reply ('' when there is none). */
  readonly question: string;
  readonly dropped: InterpolationDrop | null;
  readonly judge: { readonly vsGsm8k: JudgeRecord; readonly vsMath: JudgeRecord } | null;
  readonly usage: TokenUsage;
  readonly sampling: { readonly temperature: number; readonly topP: number; readonly seed: number };
  readonly started_at: string;
  readonly time: string;
}

export const D1_DECISIONS = ['kept', 'disagree', 'no-answer', 'refusal', 'unfinished', 'malformed-tool-call'] as const;
export type D1Decision = (typeof D1_DECISIONS)[number];

export interface DecisionRow {
  readonly key: string;
  /** The strict grader's answer of each sample (null for a sample without one). */
  readonly answers: ReadonlyArray<string | null>;
  readonly decision: D1Decision;
  /** The agreed answer when all agree. */
  readonly answer: string | null;
  /** Agreeing samples whose trajectories can be training data (no malformed tool call). */
  readonly usable: readonly number[];
  readonly time: string;
}

/**
 * The decision on a problem's n solutions: when a sample has no answer, the first fault among unfinished,
 * refusal and no-answer; else `disagree` unless all answers are equivalent; else `kept`, with the samples free of
 * malformed tool calls as the usable ones (`malformed-tool-call` when none is).
 */
export function decide(samples: ReadonlyArray<{ readonly fault: AttemptFault | null }>, agree: boolean): { decision: D1Decision; usable: number[] } {
  for (const fault of ['unfinished', 'refusal', 'no-answer'] as const) if (samples.some((sample) => sample.fault === fault)) return { decision: fault, usable: [] };
  if (!agree) return { decision: 'disagree', usable: [] };
  const usable = samples.flatMap((sample, index) => (sample.fault === null ? [index] : []));
  return usable.length === 0 ? { decision: 'malformed-tool-call', usable } : { decision: 'kept', usable };
}

const usageShape = z.looseObject({ requests: z.number(), promptTokens: z.number(), completionTokens: z.number(), uncounted: z.number() });

const interpolationSchema = z.looseObject({
  key: z.string(),
  index: z.number(),
  gsm8k: z.looseObject({ id: z.string(), question: z.string() }),
  math: z.looseObject({ id: z.string(), question: z.string() }),
  status: z.enum(['done', 'failed']),
  prompt: z.string(),
  reply: z.string(),
  question: z.string(),
  dropped: z.enum([...DEGENERATE_REASONS, 'outside-judged-band']).nullable(),
  usage: usageShape,
});

const decisionSchema = z.looseObject({
  key: z.string(),
  answers: z.array(z.string().nullable()),
  decision: z.enum(D1_DECISIONS),
  answer: z.string().nullable(),
  usable: z.array(z.number()),
});

const solutionSchema = z.looseObject(attemptRecordShape);

export const parseInterpolationRow = rowParser<InterpolationRow>(interpolationSchema, 'd1 interpolation');
export const parseSolutionRow = rowParser<AttemptRecord>(solutionSchema, 'd1 solution');
export const parseDecisionRow = rowParser<DecisionRow>(decisionSchema, 'd1 decision');
