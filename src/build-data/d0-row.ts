import { z } from 'zod';
import type { GradedAnswer } from '../grade/grade-answer.js';
import type { GraderName } from '../grade/types.js';
import { rowParser } from './row-parser.js';
import { SEED_SOURCES, type SeedSource } from './seed-problem.js';
import { attemptRecordShape, type AttemptFault, type AttemptRecord } from './solution-attempt.js';

/**
 * One line of d0/attempts.jsonl: one teacher solution of one seed problem (its trajectory, answer, both graders'
 * verdicts against the reference) and whether it is kept, as the paper does, only when the strict grader finds
 * its final answer equivalent to the reference. Every attempt is kept in the file, rejected ones with their reason.
 */
export const D0_REASONS = ['kept', 'wrong-answer', 'no-answer', 'refusal', 'malformed-tool-call', 'unfinished'] as const;
export type D0Reason = (typeof D0_REASONS)[number];

export interface Grade {
  readonly answer: string;
  readonly correct: boolean;
  readonly method: string;
  readonly reason?: string;
}

export interface D0Row extends AttemptRecord {
  readonly source: SeedSource;
  readonly level?: number;
  readonly subject?: string;
  readonly reference: string;
  readonly grades: Readonly<Record<GraderName, Grade>>;
  readonly kept: boolean;
  /** Why the attempt is kept or not; `failed` rows (server errors) are redone when the stage resumes. */
  readonly reason: D0Reason | 'failed';
}

export function gradesOf(graded: readonly GradedAnswer[]): Record<GraderName, Grade> {
  const grades = {} as Record<GraderName, Grade>;
  for (const { grader, answer, verdict } of graded) {
    grades[grader] = { answer, correct: verdict.equal, method: verdict.method, ...(verdict.reason ? { reason: verdict.reason } : {}) };
  }
  return grades;
}

/** The verdict on an attempt: its fault, else kept when the strict grader says its answer equals the reference. */
export function d0Reason(fault: AttemptFault | null, strictCorrect: boolean): D0Reason {
  return fault ?? (strictCorrect ? 'kept' : 'wrong-answer');
}

const d0RowSchema = z.looseObject({
  ...attemptRecordShape,
  source: z.enum(SEED_SOURCES),
  reference: z.string(),
  grades: z.record(z.string(), z.looseObject({ answer: z.string(), correct: z.boolean(), method: z.string() })),
  kept: z.boolean(),
  reason: z.enum([...D0_REASONS, 'failed']),
});

export const parseD0Row = rowParser<D0Row>(d0RowSchema, 'd0 attempt');
