import type { AttemptRecord } from './solution-attempt.js';
import type { DecisionRow, InterpolationRow } from './d1-rows.js';
import { costOf, countBy, executionErrors, roundStats, type CostEstimate, type Prices, type RoundStats } from './d0-stats.js';
import { addUsage, emptyUsage, type TokenUsage } from './metered-backend.js';

/**
 * The numbers of a D1 run, recomputed from its files: how many pairs gave a usable new problem and why the others
 * did not, the judge's verdicts (the paper reports 83.2% harder than the GSM8K source and 95.6% easier than the
 * MATH one), how the n student solutions agreed, the examples kept, and what teacher and student spent.
 */
export interface D1Stats {
  readonly pairs: number;
  readonly interpolated: number;
  readonly failed: number;
  readonly dropped: Readonly<Record<string, number>>;
  readonly judge: { readonly vsGsm8k: Readonly<Record<string, number>>; readonly vsMath: Readonly<Record<string, number>> } | null;
  readonly solved: number;
  readonly decisions: Readonly<Record<string, number>>;
  readonly keptProblems: number;
  readonly keptExamples: number;
  readonly student: { readonly solutions: number; readonly rounds: RoundStats; readonly toolCalls: number; readonly malformedToolCalls: number; readonly executionErrors: number; readonly usage: TokenUsage };
  readonly teacher: { readonly usage: TokenUsage; readonly cost: CostEstimate };
}

export function d1Stats(
  rows: { readonly interpolations: readonly InterpolationRow[]; readonly solutions: readonly AttemptRecord[]; readonly decisions: readonly DecisionRow[] },
  config: { readonly keep: 'one' | 'all'; readonly prices: Prices },
): D1Stats {
  const done = rows.interpolations.filter((row) => row.status === 'done');
  const judged = done.filter((row) => row.judge !== null);
  const solutions = rows.solutions.filter((row) => row.status === 'done');
  const kept = rows.decisions.filter((row) => row.decision === 'kept');
  const teacherUsage = rows.interpolations.reduce((sum, row) => addUsage(sum, row.usage), emptyUsage());
  return {
    pairs: rows.interpolations.length,
    interpolated: done.length,
    failed: rows.interpolations.length - done.length,
    dropped: countBy(done, (row) => row.dropped ?? undefined),
    judge: judged.length === 0 ? null : { vsGsm8k: countBy(judged, (row) => row.judge!.vsGsm8k.difficulty), vsMath: countBy(judged, (row) => row.judge!.vsMath.difficulty) },
    solved: rows.decisions.length,
    decisions: countBy(rows.decisions, (row) => row.decision),
    keptProblems: kept.length,
    keptExamples: kept.reduce((sum, row) => sum + (config.keep === 'one' ? Math.min(1, row.usable.length) : row.usable.length), 0),
    student: {
      solutions: solutions.length,
      rounds: roundStats(solutions.map((row) => row.rounds)),
      toolCalls: solutions.reduce((sum, row) => sum + row.tool_calls.calls, 0),
      malformedToolCalls: solutions.reduce((sum, row) => sum + row.tool_calls.malformed, 0),
      executionErrors: executionErrors(solutions),
      usage: rows.solutions.reduce((sum, row) => addUsage(sum, row.usage), emptyUsage()),
    },
    teacher: { usage: teacherUsage, cost: costOf(teacherUsage, config.prices) },
  };
}
