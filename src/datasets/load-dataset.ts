import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MathcoderError, isMathcoderError } from '../errors.js';
import type { HubConfig } from '../hub/hub-config.js';
import { downloadHubFile } from '../hub/download-hub-file.js';
import { hubCachePath, hubFileUrl, type HubFile } from '../hub/hub-file.js';
import { datasetSpec } from './catalogue.js';
import { readNativeRows } from './read-rows.js';
import type { DatasetSpec, Problem } from './types.js';

export interface DatasetSourceOptions {
  /** A folder laid out like ../shared/data (`gsm8k/test.jsonl`, `math/test.jsonl`, …). */
  readonly dataDir: string;
  /** Read this file instead (JSON Lines, JSON array or Parquet, in the set's native fields). */
  readonly file?: string;
  /** Hub access for downloads; null or absent: never download. */
  readonly hub?: HubConfig | null;
  readonly onDownloadProgress?: (progress: { file: HubFile; receivedBytes: number; totalBytes: number | null }) => void;
  /** Extra attempts after a network failure (default 3, with growing delays). */
  readonly retries?: number;
}

export type DatasetLocation =
  | { readonly kind: 'file' | 'data-dir'; readonly paths: readonly string[] }
  | { readonly kind: 'hub-cache'; readonly paths: readonly string[] };

export interface LoadedDataset {
  readonly spec: DatasetSpec;
  readonly problems: readonly Problem[];
  readonly location: DatasetLocation;
}

/** Where the set is already on this machine (a given file, the data folder, or the hub cache), or null. */
export function locateDataset(spec: DatasetSpec, options: Omit<DatasetSourceOptions, 'onDownloadProgress'>): DatasetLocation | null {
  if (options.file !== undefined) {
    if (!existsSync(options.file)) throw new MathcoderError('input', `cannot read ${options.file}: no such file`);
    return { kind: 'file', paths: [options.file] };
  }
  const local = join(options.dataDir, spec.localPath);
  if (existsSync(local)) return { kind: 'data-dir', paths: [local] };
  if (spec.hub && options.hub) {
    const paths = spec.hub.files.map((file) => hubCachePath(options.hub!.cacheDir, file));
    if (paths.every((path) => existsSync(path))) return { kind: 'hub-cache', paths };
  }
  return null;
}

function notFoundHint(spec: DatasetSpec, options: DatasetSourceOptions): string {
  return `put ${spec.localPath} under a folder and pass --data-dir (now ${options.dataDir}), or pass --file`;
}

async function download(spec: DatasetSpec, options: DatasetSourceOptions): Promise<DatasetLocation> {
  if (!spec.hub) {
    throw new MathcoderError('dataset', `${spec.name} has no Hugging Face hub copy (it is published on GitHub only): ${notFoundHint(spec, options)}`);
  }
  if (!options.hub) throw new MathcoderError('dataset', `${spec.name} is not on this machine and downloads are off: ${notFoundHint(spec, options)}`);
  const paths: string[] = [];
  for (const file of spec.hub.files) {
    try {
      const result = await downloadHubFile(options.hub, file, {
        onProgress: (progress) => options.onDownloadProgress?.({ file, ...progress }),
        ...(options.retries === undefined ? {} : { retries: options.retries }),
      });
      paths.push(result.path);
    } catch (error) {
      if (!isMathcoderError(error)) throw error;
      throw new MathcoderError('download', `${spec.name}: ${error.message}; to work offline, ${notFoundHint(spec, options)}`, { cause: error });
    }
  }
  return { kind: 'hub-cache', paths };
}

/** Stable ids: the set's own id where it has one, else a hash of the question (a repeated question gets -2, -3…). */
function assignIds(spec: DatasetSpec, rows: ReadonlyArray<ReturnType<DatasetSpec['mapRow']>>): Problem[] {
  const seen = new Map<string, number>();
  return rows.map(({ nativeId, ...problem }) => {
    const base = `${spec.name}/${nativeId ?? createHash('sha256').update(problem.question).digest('hex').slice(0, 12)}`;
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return { id: count === 1 ? base : `${base}-${count}`, dataset: spec.name, ...problem };
  });
}

/** Reads a set from a file, the data folder or the hub cache, downloading it from the hub when allowed. */
export async function loadDataset(name: string, options: DatasetSourceOptions): Promise<LoadedDataset> {
  const spec = datasetSpec(name);
  const location = locateDataset(spec, options) ?? (await download(spec, options));
  const rows = [];
  for (const path of location.paths) {
    for (const { where, row } of await readNativeRows(path)) rows.push(spec.mapRow(row, where));
  }
  if (rows.length === 0) throw new MathcoderError('input', `${location.paths.join(', ')}: no rows`);
  return { spec, problems: assignIds(spec, rows), location };
}

/** The hub addresses a set is downloaded from. */
export function hubAddresses(spec: DatasetSpec, endpoint: string): string[] {
  return spec.hub ? spec.hub.files.map((file) => hubFileUrl(endpoint, file)) : [];
}
