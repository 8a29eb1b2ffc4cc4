import type { D0Row } from './d0-row.js';
import { addUsage, emptyUsage, type TokenUsage } from './metered-backend.js';

/**
 * The numbers of a D0 run, recomputed from its attempts every time: kept/total by source and by MATH subject and
 * level, why attempts were rejected, rounds, tool calls and execution errors, tokens and an estimated cost.
 */
export interface KeepCount {
  readonly kept: number;
  readonly total: number;
}

export interface Prices {
  /** US dollars per million prompt tokens. */
  readonly promptPerMillion: number;
  readonly completionPerMillion: number;
}

/** GPT-4 (8k context) list prices, the paper's teacher: $30 and $60 per million prompt and completion tokens. */
export const GPT4_PRICES: Prices = Object.freeze({ promptPerMillion: 30, completionPerMillion: 60 });

export interface CostEstimate extends Prices {
  readonly usd: number;
}

export function costOf(usage: TokenUsage, prices: Prices): CostEstimate {
  return { ...prices, usd: (usage.promptTokens * prices.promptPerMillion + usage.completionTokens * prices.completionPerMillion) / 1e6 };
}

export interface RoundStats {
  readonly mean: number;
  readonly histogram: Readonly<Record<string, number>>;
}

export interface D0Stats {
  readonly attempts: number;
  /** Attempts the server could not finish (redone on resume). */
  readonly failed: number;
  readonly kept: number;
  readonly problems: number;
  /** Problems with at least one kept solution. */
  readonly problemsWithKept: number;
  readonly reasons: Readonly<Record<string, number>>;
  readonly bySource: Readonly<Record<string, KeepCount>>;
  readonly byLevel: Readonly<Record<string, KeepCount>>;
  readonly bySubject: Readonly<Record<string, KeepCount>>;
  readonly rounds: RoundStats;
  readonly toolCalls: { readonly calls: number; readonly malformed: number; readonly executionErrors: number };
  readonly usage: TokenUsage;
  readonly cost: CostEstimate;
}

export function countBy<T>(items: readonly T[], key: (item: T) => string | undefined): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) {
    const name = key(item);
    if (name !== undefined) counts[name] = (counts[name] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true })));
}

function keepCounts<T extends { readonly kept: boolean }>(items: readonly T[], key: (item: T) => string | undefined): Record<string, KeepCount> {
  const totals = countBy(items, key);
  const kept = countBy(items.filter((item) => item.kept), key);
  return Object.fromEntries(Object.entries(totals).map(([name, total]) => [name, { kept: kept[name] ?? 0, total }]));
}

export function roundStats(rounds: readonly number[]): RoundStats {
  return {
    mean: rounds.length === 0 ? 0 : rounds.reduce((sum, value) => sum + value, 0) / rounds.length,
    histogram: countBy(rounds, String),
  };
}

export function executionErrors(rows: ReadonlyArray<{ readonly blocks: ReadonlyArray<{ readonly type: string; readonly execution?: { readonly status: string } }> }>): number {
  return rows.reduce((sum, row) => sum + row.blocks.filter((block) => block.type === 'execution' && block.execution !== undefined && block.execution.status !== 'ok').length, 0);
}

export function d0Stats(rows: readonly D0Row[], prices: Prices): D0Stats {
  const done = rows.filter((row) => row.status === 'done');
  const usage = rows.reduce((sum, row) => addUsage(sum, row.usage), emptyUsage());
  const keptProblems = new Set(done.filter((row) => row.kept).map((row) => row.id));
  return {
    attempts: rows.length,
    failed: rows.length - done.length,
    kept: done.filter((row) => row.kept).length,
    problems: new Set(rows.map((row) => row.id)).size,
    problemsWithKept: keptProblems.size,
    reasons: countBy(rows, (row) => row.reason),
    bySource: keepCounts(done, (row) => row.source),
    byLevel: keepCounts(done, (row) => (row.level === undefined ? undefined : `Level ${row.level}`)),
    bySubject: keepCounts(done, (row) => row.subject),
    rounds: roundStats(done.map((row) => row.rounds)),
    toolCalls: {
      calls: done.reduce((sum, row) => sum + row.tool_calls.calls, 0),
      malformed: done.reduce((sum, row) => sum + row.tool_calls.malformed, 0),
      executionErrors: executionErrors(done),
    },
    usage,
    cost: costOf(usage, prices),
  };
}
