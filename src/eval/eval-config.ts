import type { SyntaxName } from '../format/index.js';
import type { ShardSpec } from './shard.js';

/**
 * What an evaluation run does. Everything here that changes a result (the model, sampling, prompt, limits) is
 * fixed for a run: resuming with other values is refused unless forced. What only chooses which work is done
 * (datasets, limit, number of samples, concurrency) may change between invocations of the same run.
 */
export interface EvalConfig {
  readonly datasets: readonly string[];
  /** Problems per dataset (the first N), or null for all. */
  readonly limit: number | null;
  /** Samples per problem; sample s uses seed `seed + s`. */
  readonly samples: number;
  readonly concurrency: number;
  /** The shard of the problems this run folder holds (`eval --shard i/n`); absent for a whole run. */
  readonly shard?: ShardSpec | null;
  readonly sampling: { readonly temperature: number; readonly topP: number; readonly seed: number };
  readonly solve: {
    readonly syntax: SyntaxName;
    readonly system: string | null;
    readonly querySuffix: string;
    readonly maxRounds: number;
    readonly maxTokensPerBlock: number;
    readonly deadlineMs: number | null;
    readonly loopRepeats: number | null;
    readonly cellTimeoutMs: number;
  };
}

/**
 * The config of a run resumed with `next`: the datasets of both (the earlier ones first), the widest limit and
 * number of samples, `next`'s concurrency and result-affecting settings (checked equal unless forced). A run
 * resumed on a part of its datasets still records all of them.
 */
export function mergeConfigs(previous: EvalConfig, next: EvalConfig): EvalConfig {
  return {
    ...next,
    datasets: [...new Set([...previous.datasets, ...next.datasets])],
    limit: previous.limit === null || next.limit === null ? null : Math.max(previous.limit, next.limit),
    samples: Math.max(previous.samples, next.samples),
  };
}

/** The parts of a config that change what a problem's result is. */
export function resultAffectingConfig(config: EvalConfig): Record<string, unknown> {
  return { sampling: config.sampling, solve: config.solve };
}

/** The differences between two plain JSON values, as `path: before → after` lines. */
export function describeChanges(before: unknown, after: unknown, path = ''): string[] {
  const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => describeChanges(before[key], after[key], path ? `${path}.${key}` : key));
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [`${path || '(value)'}: ${JSON.stringify(before) ?? 'absent'} → ${JSON.stringify(after) ?? 'absent'}`];
}
