import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MathcoderError } from '../errors.js';
import { latestRows, parseEvalRow, type EvalRow } from './eval-row.js';
import { ResultsFile } from './results-file.js';
import { RUN_FILES } from './run-file-names.js';
import { readManifest, type RunManifest } from './run-manifest.js';
import type { ShardSet } from './run-shards.js';

export { RUN_FILES };

export interface LoadedRun {
  readonly dir: string;
  readonly manifest: RunManifest;
  /** The latest row of each (problem, sample). */
  readonly rows: readonly EvalRow[];
  /** Bytes of a last line torn by a crash (left out; the run redoes that row when resumed). */
  readonly tornBytes: number;
  /** When the run is shard folders merged (run-shards.ts): which shards are there, missing or unfinished. */
  readonly shards?: ShardSet;
}

export function loadRun(dir: string): LoadedRun {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new MathcoderError('input', `${dir} is not a run folder (no such directory)`);
  const manifestPath = join(dir, RUN_FILES.manifest);
  if (!existsSync(manifestPath)) throw new MathcoderError('input', `${dir} is not a run folder: it has no ${RUN_FILES.manifest}`);
  const manifest = readManifest(manifestPath);
  const resultsPath = join(dir, RUN_FILES.results);
  const read = existsSync(resultsPath) ? ResultsFile.read(resultsPath, parseEvalRow) : { rows: [], truncatedBytes: 0 };
  return { dir, manifest, rows: latestRows(read.rows), tornBytes: read.truncatedBytes };
}
