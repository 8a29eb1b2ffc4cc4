import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { MathcoderError } from '../errors.js';
import { describeChanges, resultAffectingConfig } from './eval-config.js';
import { RUN_FILES, loadRun, type LoadedRun } from './run-files.js';
import { readManifest, type RunManifest } from './run-manifest.js';
import { describeShard } from './shard.js';

/**
 * The shards of a run (folders written by `eval --shard i/n`) read as one run: shard folders that sit in one
 * folder are one run, merged when they share the model and the config (else refused, naming what differs), with
 * the shards that are missing or not finished named.
 */

/** A run to load: one run folder, or the shard folders of one run. */
export interface RunSource {
  /** The run folder, or the folder holding the shard folders. */
  readonly label: string;
  readonly dirs: readonly string[];
  readonly sharded: boolean;
}

export interface ShardStatus {
  readonly index: number;
  readonly dir: string;
  /** Rows finished. */
  readonly rows: number;
  /** Rows the model server could not finish (redone when the shard is resumed). */
  readonly failed: number;
  /** Rows the shard has to do: its problems times the samples. */
  readonly expected: number;
  readonly complete: boolean;
}

export interface ShardSet {
  readonly count: number;
  /** The shards given, by index. */
  readonly shards: readonly ShardStatus[];
  readonly missing: readonly number[];
  readonly incomplete: readonly number[];
}

export function isRunFolder(dir: string): boolean {
  return existsSync(join(dir, RUN_FILES.manifest));
}

/** Whether a run folder holds a shard (an unreadable manifest is left for loadRun to report). */
export function isShardFolder(dir: string): boolean {
  if (!isRunFolder(dir)) return false;
  try {
    return Boolean(readManifest(join(dir, RUN_FILES.manifest)).config.shard);
  } catch {
    return false;
  }
}

/** The shard folders directly inside `dir`, by name. */
export function shardSubfolders(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir)
    .sort()
    .map((name) => join(dir, name))
    .filter(isShardFolder);
}

/** Run folders as runs: shard folders grouped by the folder they sit in, the others one run each, in the order given. */
export function groupRunFolders(dirs: readonly string[]): RunSource[] {
  const sources: Array<{ label: string; dirs: string[]; sharded: boolean }> = [];
  const groups = new Map<string, { label: string; dirs: string[]; sharded: boolean }>();
  for (const dir of dirs) {
    if (!isShardFolder(dir)) {
      sources.push({ label: dir, dirs: [dir], sharded: false });
      continue;
    }
    const parent = dirname(resolve(dir));
    let group = groups.get(parent);
    if (!group) {
      group = { label: dirname(dir), dirs: [], sharded: true };
      groups.set(parent, group);
      sources.push(group);
    }
    if (!group.dirs.includes(dir)) group.dirs.push(dir);
  }
  return sources;
}

/** What `mathcoder report` was given as runs: run folders, and folders holding the shard folders of a run. */
export function runSources(paths: readonly string[]): RunSource[] {
  return groupRunFolders(paths.flatMap((path) => (isRunFolder(path) ? [path] : shardSubfolders(path).length > 0 ? shardSubfolders(path) : [path])));
}

/** What must be equal for shards to be one run: the model (not its servers), the result-affecting config, the problems. */
function mergeKey(manifest: RunManifest): Record<string, unknown> {
  const { config, model } = manifest;
  const data = Object.fromEntries(
    manifest.datasets.filter((record) => config.datasets.includes(record.name)).map((record) => [record.name, (record.files ?? []).map((file) => file.sha256).sort().join(' ')]),
  );
  return {
    model: { backend: model.backend, name: model.name, sha256: model.file?.sha256 ?? null },
    ...resultAffectingConfig(config),
    datasets: config.datasets,
    limit: config.limit,
    samples: config.samples,
    shards: config.shard?.count ?? null,
    data,
  };
}

function shardStatus(run: LoadedRun): ShardStatus {
  const { config } = run.manifest;
  const problems = run.manifest.datasets.filter((record) => config.datasets.includes(record.name)).reduce((sum, record) => sum + record.problems, 0);
  const rows = run.rows.filter((row) => row.status === 'done').length;
  const failed = run.rows.length - rows;
  const expected = problems * config.samples;
  return { index: config.shard!.index, dir: run.dir, rows, failed, expected, complete: rows >= expected && failed === 0 };
}

/** The shard folders of one run, merged; refused when they are not shards of one run. */
export function loadShards(source: RunSource): LoadedRun {
  const runs = source.dirs.map(loadRun).sort((a, b) => a.manifest.config.shard!.index - b.manifest.config.shard!.index);
  const first = runs[0];
  if (!first) throw new MathcoderError('input', `${source.label} holds no shard folders`);
  const reference = mergeKey(first.manifest);
  const byIndex = new Map<number, LoadedRun>();
  for (const run of runs) {
    const changes = describeChanges(reference, mergeKey(run.manifest));
    if (changes.length > 0) throw new MathcoderError('input', `cannot merge the shards of ${source.label}: ${run.dir} differs from ${first.dir} in ${changes.join('; ')}`);
    const shard = run.manifest.config.shard!;
    const twin = byIndex.get(shard.index);
    if (twin) throw new MathcoderError('input', `cannot merge the shards of ${source.label}: ${twin.dir} and ${run.dir} are both shard ${describeShard(shard)}; keep one`);
    byIndex.set(shard.index, run);
  }
  const count = first.manifest.config.shard!.count;
  const shards = runs.map(shardStatus);
  const manifest: RunManifest = {
    ...first.manifest,
    createdAt: runs.map((run) => run.manifest.createdAt).sort()[0]!,
    updatedAt: runs.map((run) => run.manifest.updatedAt).sort().at(-1)!,
    config: { ...first.manifest.config, shard: null },
    servers: runs.flatMap((run) => run.manifest.servers ?? []),
  };
  return {
    dir: source.label,
    manifest,
    rows: runs.flatMap((run) => run.rows),
    tornBytes: runs.reduce((sum, run) => sum + run.tornBytes, 0),
    shards: {
      count,
      shards,
      missing: Array.from({ length: count }, (_, index) => index).filter((index) => !byIndex.has(index)),
      incomplete: shards.filter((shard) => !shard.complete).map((shard) => shard.index),
    },
  };
}

/** A run folder, or the merged shards of one run. */
export function loadRunSource(source: RunSource): LoadedRun {
  return source.sharded ? loadShards(source) : loadRun(source.dirs[0]!);
}

/** One line on a merged run's shards: how many, and which are missing or not finished. */
export function describeShards(shards: ShardSet): string {
  const parts = [`${shards.shards.length} of ${shards.count} shards merged`];
  if (shards.missing.length > 0) parts.push(`missing: ${shards.missing.map((index) => `${index}/${shards.count}`).join(', ')}`);
  const unfinished = shards.shards.filter((shard) => !shard.complete);
  if (unfinished.length > 0) {
    parts.push(
      `incomplete: ${unfinished.map((shard) => `${shard.index}/${shards.count} (${shard.rows} of ${shard.expected} rows${shard.failed ? `, ${shard.failed} failed` : ''}, ${basename(shard.dir)})`).join(', ')}`,
    );
  }
  return parts.join('; ');
}
