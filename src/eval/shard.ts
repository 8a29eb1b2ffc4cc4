import { createHash } from 'node:crypto';
import { MathcoderError } from '../errors.js';

/**
 * A shard of an evaluation: shard `index` of `count` takes the problems whose id hashes to it, so the split does
 * not depend on the problems' order or on which datasets are listed, and the shards of a run are disjoint and
 * together cover it. Shards are numbered from 0, as SLURM numbers the tasks of `--array=0-(count-1)`.
 */
export interface ShardSpec {
  readonly index: number;
  readonly count: number;
}

/** Parses `i/n` (0 <= i < n). */
export function parseShard(text: string): ShardSpec {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = match ? Number(match[1]) : Number.NaN;
  const count = match ? Number(match[2]) : Number.NaN;
  if (!match || count < 1 || index >= count) {
    throw new MathcoderError('input', `--shard must be i/n with 0 <= i < n (shards are numbered from 0, like SLURM_ARRAY_TASK_ID with --array=0-3), got "${text}"`);
  }
  return { index, count };
}

export function describeShard(shard: ShardSpec): string {
  return `${shard.index}/${shard.count}`;
}

/** The shard (0 to count - 1) a problem belongs to: the first 48 bits of the sha256 of its id, modulo count. */
export function shardOfProblem(id: string, count: number): number {
  return createHash('sha256').update(id, 'utf8').digest().readUIntBE(0, 6) % count;
}

/** The items of `shard`, in their order (all of them without a shard). */
export function inShard<T>(items: readonly T[], id: (item: T) => string, shard: ShardSpec | null | undefined): T[] {
  if (!shard) return [...items];
  return items.filter((item) => shardOfProblem(id(item), shard.count) === shard.index);
}
