import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { MathcoderError, errorMessage } from '../errors.js';
import type { DialectDescription } from '../format/index.js';
import type { ServerStats } from '../llm/server-pool.js';
import type { IsolationInfo, PythonInfo } from '../sandbox/types.js';
import { writeJsonAtomically } from '../util/atomic-file.js';
import { describeChanges, resultAffectingConfig, type EvalConfig } from './eval-config.js';
import { describeShard } from './shard.js';

/**
 * A run's manifest.json: what produced its results, so any number in a report can be traced to its model, data
 * and software. A run refuses to go on with a different model or result-affecting config unless forced, and says
 * what changed.
 */

export interface ModelFile {
  readonly path: string;
  readonly sizeBytes: number;
  readonly modifiedMs: number;
  readonly sha256: string;
}

export interface ModelIdentity {
  /** `embedded`, an HTTP backend, or `replay` (published trajectories served by the stand-in server). */
  readonly backend: string;
  /** The model's name: the GGUF's, or the one the server reports. */
  readonly name: string;
  readonly file?: ModelFile;
  readonly url?: string;
  /** Several servers of the model (`--base-url` repeated), used as one; `url` is then absent. */
  readonly urls?: readonly string[];
  readonly contextSize: number;
  readonly bos: boolean;
  /** What the backend says of itself: engine version, threads, GPU, server version. */
  readonly details: Readonly<Record<string, string | number | boolean | null>>;
}

export interface DatasetRecord {
  readonly name: string;
  readonly files: ReadonlyArray<{ readonly path: string; readonly sha256: string }>;
  readonly problems: number;
}

/** What the model servers of one invocation of a run did (with several servers). */
export interface ServerInvocation {
  readonly startedAt: string;
  readonly endedAt: string;
  readonly servers: readonly ServerStats[];
}

/** One invocation of a run: what it was asked to do (a resumed run may be asked for a part of the datasets). */
export interface RunInvocation {
  readonly startedAt: string;
  readonly command: readonly string[];
  readonly datasets: readonly string[];
  readonly limit: number | null;
  readonly samples: number;
}

export interface RunManifest {
  readonly version: 1;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** The latest invocation's command. */
  readonly command: readonly string[];
  /**
   * The run's config: the result-affecting part is the same for every invocation (or forced); the datasets are
   * the union of those every invocation asked for, the limit and the samples the widest asked for.
   */
  readonly config: EvalConfig;
  /** Every invocation in order (absent in runs written before it was recorded). */
  readonly invocations?: readonly RunInvocation[];
  readonly model: ModelIdentity;
  readonly datasets: readonly DatasetRecord[];
  readonly versions: {
    readonly mathcoder: string;
    readonly node: string;
    readonly nodeLlamaCpp: string | null;
    readonly python: PythonInfo;
  };
  readonly sandbox: IsolationInfo;
  /**
   * The dialect of `config.solve.syntax` as this version runs it: sources, stops, execution budget, truncation,
   * state and output style (absent in manifests written before dialects were recorded).
   */
  readonly dialect?: DialectDescription;
  /** The git revision of the mathcoder checkout that ran, when it is one. */
  readonly git: string | null;
  /** Per invocation with several model servers: requests, failures, tokens and busy time of each server. */
  readonly servers?: readonly ServerInvocation[];
}

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/** A model file's identity; the sha256 of a file already hashed (same path, size and time) is taken from `known`. */
export async function modelFileIdentity(path: string, known?: ModelFile): Promise<ModelFile> {
  const stat = statSync(path);
  if (known && known.path === path && known.sizeBytes === stat.size && known.modifiedMs === stat.mtimeMs) return known;
  return { path, sizeBytes: stat.size, modifiedMs: stat.mtimeMs, sha256: await sha256OfFile(path) };
}

const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function mathcoderVersion(): string {
  return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/** The installed version of an npm package, or null when it is not installed. */
export function installedPackageVersion(name: string): string | null {
  const require = createRequire(import.meta.url);
  let directory: string;
  try {
    directory = dirname(require.resolve(name));
  } catch {
    return null;
  }
  for (;;) {
    const candidate = join(directory, 'package.json');
    if (existsSync(candidate)) {
      const parsed = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (parsed.name === name) return parsed.version ?? null;
    }
    const parent = dirname(directory);
    if (parent === directory) return null;
    directory = parent;
  }
}

export function gitRevision(): string | null {
  if (!existsSync(join(PACKAGE_ROOT, '.git'))) return null;
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: PACKAGE_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

const manifestSchema = z.looseObject({
  version: z.literal(1),
  createdAt: z.string(),
  config: z.looseObject({ sampling: z.unknown(), solve: z.unknown() }),
  model: z.looseObject({ backend: z.string(), name: z.string() }),
  datasets: z.array(z.looseObject({ name: z.string() })),
});

export function readManifest(path: string): RunManifest {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new MathcoderError('input', `${path} is not valid JSON (${errorMessage(error)}): fix it, or start a new run in another folder`);
  }
  const result = manifestSchema.safeParse(value);
  if (!result.success) throw new MathcoderError('input', `${path} is not a mathcoder run manifest (field ${result.error.issues[0]!.path.join('.')})`);
  return value as RunManifest;
}

/** Written to a temporary file and renamed, so a crash never leaves half a manifest. */
export function writeManifest(path: string, manifest: RunManifest): void {
  writeJsonAtomically(path, manifest);
}

/** What distinguishes one model from another for resuming: its file's hash, or the server and its model's name. */
export function modelFingerprint(model: ModelIdentity): Record<string, unknown> {
  return model.file ? { backend: model.backend, sha256: model.file.sha256 } : { backend: model.backend, url: model.url ?? null, name: model.name };
}

/** The reasons a run cannot take results made with `next` (empty when it can). */
export function incompatibilities(previous: RunManifest, next: Pick<RunManifest, 'config' | 'model'>): string[] {
  return [
    ...describeChanges(modelFingerprint(previous.model), modelFingerprint(next.model)).map((change) => `model ${change}`),
    ...describeChanges(resultAffectingConfig(previous.config), resultAffectingConfig(next.config)),
    // A folder holds one shard: another shard's problems are not its own.
    ...describeChanges(shardText(previous.config), shardText(next.config), 'shard'),
  ];
}

function shardText(config: EvalConfig): string {
  return config.shard ? describeShard(config.shard) : 'none';
}
