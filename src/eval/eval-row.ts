import { z } from 'zod';
import { MathcoderError } from '../errors.js';
import type { GraderName } from '../grade/types.js';
import { STOP_REASONS, type SolveTimings, type StopReason, type TokenCounts, type TrajectoryBlock } from '../solve/types.js';

/**
 * One line of a run's results.jsonl: one (problem, sample) with its whole trajectory, the answer both graders
 * extracted and their verdicts, and what the loop spent. `status` is `failed` when the model server could not
 * finish the problem (the row is redone when the run is resumed); a later row for the same key replaces it.
 */

export interface GradeRecord {
  /** The answer the grader extracted (strict: from the last message; several joined by "; "). */
  readonly answer: string;
  /** Every answer it extracted (rows written before the final-answers@1 policy have none). */
  readonly answers?: readonly string[];
  readonly correct: boolean;
  readonly method: string;
  readonly reason?: string;
  /** The rule that decided and why (rows written before rules were recorded have neither). */
  readonly rule?: string;
  readonly why?: string;
}

export interface EvalRow {
  /** `${id}#${sample}`: what resuming matches on. */
  readonly key: string;
  readonly id: string;
  readonly dataset: string;
  /** The problem's position in its dataset file (0-based), for listing rows in dataset order; absent in older runs. */
  readonly index?: number;
  readonly sample: number;
  readonly question: string;
  readonly reference: string;
  readonly level?: number;
  readonly subject?: string;
  readonly status: 'done' | 'failed';
  readonly stop_reason: StopReason;
  readonly error: string | null;
  readonly blocks: readonly TrajectoryBlock[];
  /** The final answers of the last message shown as one (older rows: the last `\boxed{}` the model wrote). */
  readonly answer: string | null;
  /** The final answers of the last message (`answer_policy`); absent in rows written before the policy. */
  readonly answers?: readonly string[];
  /** The answer-extraction policy that found `answers` (`final-answers@1`). */
  readonly answer_policy?: string;
  /**
   * The answer string as the published runs stored it in `completion` (what MathCoder's evaluate.py graded, and
   * what both graders read).
   */
  readonly completion: string;
  readonly grades: Readonly<Record<GraderName, GradeRecord>>;
  readonly rounds: number;
  readonly tokens: TokenCounts;
  readonly timings: SolveTimings;
  readonly seed: number | null;
  /** With several model servers: the generation requests each server (by URL) answered for this row. */
  readonly servers?: Readonly<Record<string, number>>;
  /** When the row was written (ISO 8601). */
  readonly time: string;
}

export function rowKey(id: string, sample: number): string {
  return `${id}#${sample}`;
}

const gradeSchema = z.looseObject({
  answer: z.string(),
  answers: z.array(z.string()).optional(),
  correct: z.boolean(),
  method: z.string(),
  reason: z.string().optional(),
  rule: z.string().optional(),
  why: z.string().optional(),
});

const blockSchema = z.looseObject({
  type: z.enum(['text', 'code', 'execution']),
  content: z.string(),
  round: z.number(),
  startMs: z.number(),
  durationMs: z.number(),
  closed: z.boolean(),
  execution: z
    .looseObject({ status: z.enum(['ok', 'error', 'timeout', 'killed']), executionCount: z.number(), truncated: z.boolean(), stateLost: z.boolean() })
    .optional(),
});

const evalRowSchema = z.looseObject({
  key: z.string(),
  id: z.string(),
  dataset: z.string(),
  index: z.number().int().nonnegative().optional(),
  sample: z.number().int().nonnegative(),
  question: z.string(),
  reference: z.string(),
  level: z.number().optional(),
  subject: z.string().optional(),
  status: z.enum(['done', 'failed']),
  stop_reason: z.enum(STOP_REASONS),
  error: z.string().nullable(),
  blocks: z.array(blockSchema),
  answer: z.string().nullable(),
  answers: z.array(z.string()).optional(),
  answer_policy: z.string().optional(),
  completion: z.string(),
  grades: z.record(z.string(), gradeSchema),
  rounds: z.number(),
  tokens: z.looseObject({ prompt: z.number().nullable(), generated: z.number(), evaluated: z.number().nullable(), total: z.number().nullable() }),
  timings: z.looseObject({ totalMs: z.number(), generationMs: z.number(), executionMs: z.number() }),
  seed: z.number().nullable(),
  servers: z.record(z.string(), z.number()).optional(),
  time: z.string(),
});

/** Validates a line read back from results.jsonl; `where` is `file:line`. */
export function parseEvalRow(value: unknown, where: string): EvalRow {
  const result = evalRowSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new MathcoderError('input', `${where}: not a result row: field ${issue.path.join('.') || '(row)'}: ${issue.message}; fix or delete that line (the run can redo it)`);
  }
  const row = result.data as unknown as EvalRow;
  if (row.key !== rowKey(row.id, row.sample)) throw new MathcoderError('input', `${where}: the key ${row.key} does not match id ${row.id} and sample ${row.sample}`);
  return row;
}

/** The latest row of each key, in the order keys first appeared: a redone row replaces the failed one. */
export function latestRows<Row extends { readonly key: string }>(rows: readonly Row[]): Row[] {
  const byKey = new Map<string, Row>();
  for (const row of rows) byKey.set(row.key, row);
  return [...byKey.values()];
}

/** Executions of a row: how many cells ran and how they ended. */
export function executionCounts(row: EvalRow): { cells: number; errors: number; timeouts: number; killed: number } {
  let cells = 0;
  let errors = 0;
  let timeouts = 0;
  let killed = 0;
  for (const block of row.blocks) {
    if (block.type !== 'execution' || !block.execution) continue;
    cells += 1;
    if (block.execution.status === 'error') errors += 1;
    else if (block.execution.status === 'timeout') timeouts += 1;
    else if (block.execution.status === 'killed') killed += 1;
  }
  return { cells, errors, timeouts, killed };
}
