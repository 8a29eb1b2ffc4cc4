import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { datasetSpec } from '../datasets/catalogue.js';
import { readNativeRows } from '../datasets/read-rows.js';
import { MathcoderError, isMathcoderError } from '../errors.js';
import { downloadHubFile } from '../hub/download-hub-file.js';
import type { HubConfig } from '../hub/hub-config.js';
import { hubCachePath, type HubFile } from '../hub/hub-file.js';
import type { SeedProblem, SeedSource } from './seed-problem.js';

/**
 * Where the training sets are read from: a file given on the command line; else `gsm8k/train.jsonl` or
 * `math/train.jsonl` under the data folder; else the Hugging Face hub copy (the same repositories as the test
 * sets, train split: openai/gsm8k, EleutherAI/hendrycks_math), downloaded once into the cache.
 * Accepted rows: the native fields (GSM8K `question`/`answer` with `#### N`; MATH `problem`/`level`/`type`/
 * `solution` with `\boxed{}`), or MathCoder's `*_post.jsonl` format (`id`, `messages`, `ground_truth.answer`),
 * as MathCodeInstruct-Plus ships GSM8K_train_post.jsonl and MATH_train_post.jsonl.
 */
export interface TrainSetSource {
  readonly source: SeedSource;
  readonly paths: readonly string[];
  readonly from: 'file' | 'data-dir' | 'hub-cache';
}

export interface TrainSetOptions {
  readonly dataDir: string;
  /** A file to read instead (JSON Lines, JSON array or Parquet). */
  readonly file?: string;
  readonly hub: HubConfig | null;
  readonly onDownloadProgress?: (progress: { file: HubFile; receivedBytes: number; totalBytes: number | null }) => void;
}

/** The hub files of a training set: the test set's files with the train split. */
export function trainHubFiles(source: SeedSource): HubFile[] {
  const spec = datasetSpec(source);
  return (spec.hub?.files ?? []).map((file) => ({ ...file, path: file.path.replace(/(^|\/)test-/, '$1train-') }));
}

export async function locateTrainSet(source: SeedSource, options: TrainSetOptions): Promise<TrainSetSource> {
  if (options.file !== undefined) {
    if (!existsSync(options.file)) throw new MathcoderError('input', `cannot read ${options.file}: no such file`);
    return { source, paths: [options.file], from: 'file' };
  }
  const local = join(options.dataDir, source, 'train.jsonl');
  if (existsSync(local)) return { source, paths: [local], from: 'data-dir' };
  const files = trainHubFiles(source);
  const flag = source === 'gsm8k' ? '--gsm8k-train' : '--math-train';
  const hint = `pass ${flag} FILE, or put ${source}/train.jsonl under --data-dir (now ${options.dataDir})`;
  if (options.hub) {
    const cached = files.map((file) => hubCachePath(options.hub!.cacheDir, file));
    if (cached.every((path) => existsSync(path))) return { source, paths: cached, from: 'hub-cache' };
  } else {
    throw new MathcoderError('dataset', `the ${source} training set is not on this machine and downloads are off: ${hint}`);
  }
  const paths: string[] = [];
  for (const file of files) {
    try {
      paths.push((await downloadHubFile(options.hub, file, { onProgress: (progress) => options.onDownloadProgress?.({ file, ...progress }) })).path);
    } catch (error) {
      if (!isMathcoderError(error)) throw error;
      throw new MathcoderError('download', `the ${source} training set: ${error.message}; to work offline, ${hint}`, { cause: error });
    }
  }
  return { source, paths, from: 'hub-cache' };
}

/** "train/intermediate_algebra/51.json" → intermediate_algebra. */
function subjectOfPostId(id: string | undefined): string | undefined {
  const match = /^(?:train|test)\/([a-z_]+)\/\d+\.json$/.exec(id ?? '');
  return match?.[1];
}

function nativeIdOf(row: Record<string, unknown>): string | undefined {
  for (const key of ['id', 'unique_id', 'ID']) if (typeof row[key] === 'string' || typeof row[key] === 'number') return String(row[key]);
  return undefined;
}

function mapTrainRow(source: SeedSource, row: Record<string, unknown>, where: string): Omit<SeedProblem, 'id' | 'source'> {
  const nativeId = nativeIdOf(row);
  const origin = { where, ...(nativeId === undefined ? {} : { nativeId }) };
  if ('messages' in row) {
    // MathCoder's *_post.jsonl: the question in the user message, the answer in ground_truth.
    const mapped = datasetSpec('mathematics').mapRow(row, where);
    const subject = subjectOfPostId(nativeId);
    return { question: mapped.question, answer: mapped.answer, ...(subject ? { subject } : {}), origin };
  }
  const { nativeId: _ignored, ...mapped } = datasetSpec(source).mapRow(row, where);
  return { ...mapped, origin };
}

export interface TrainSet {
  readonly problems: SeedProblem[];
  /** Rows left out because they have no usable question or reference answer, with why. */
  readonly skipped: ReadonlyArray<{ readonly where: string; readonly reason: string }>;
}

/**
 * Reads a training set's rows as seed problems, with stable ids (the row's own id, else a hash of the question).
 * A row without a question or reference answer is left out and reported; a file where no row can be read is an
 * error naming the first problem.
 */
export async function readTrainSet(located: TrainSetSource): Promise<TrainSet> {
  const seen = new Map<string, number>();
  const problems: SeedProblem[] = [];
  const skipped: Array<{ where: string; reason: string }> = [];
  for (const path of located.paths) {
    for (const { where, row } of await readNativeRows(path)) {
      let mapped: Omit<SeedProblem, 'id' | 'source'>;
      try {
        mapped = mapTrainRow(located.source, row, where);
      } catch (error) {
        if (!isMathcoderError(error)) throw error;
        skipped.push({ where, reason: error.message.replace(`${where}: `, '') });
        continue;
      }
      const base = `${located.source}-train/${mapped.origin.nativeId ?? createHash('sha256').update(mapped.question).digest('hex').slice(0, 12)}`;
      const count = (seen.get(base) ?? 0) + 1;
      seen.set(base, count);
      problems.push({ id: count === 1 ? base : `${base}-${count}`, source: located.source, ...mapped });
    }
  }
  if (problems.length === 0) {
    throw new MathcoderError('input', skipped.length > 0 ? `${skipped[0]!.where}: ${skipped[0]!.reason} (and every other row: is this a ${located.source} file?)` : `${located.paths.join(', ')}: no rows`);
  }
  return { problems, skipped };
}
