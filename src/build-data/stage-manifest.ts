import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { describeChanges } from '../eval/eval-config.js';
import { gitRevision, installedPackageVersion, mathcoderVersion, modelFingerprint, type ModelIdentity } from '../eval/run-manifest.js';
import { MathcoderError, errorMessage } from '../errors.js';
import { writeJsonAtomically } from '../util/atomic-file.js';
import type { IsolationInfo, PythonInfo, SandboxInfo } from '../sandbox/types.js';

/**
 * The manifest.json of a data stage's folder (seed, d0, d1): what produced its rows (models, prompts, settings,
 * input files with their hashes, software versions, git revision), so each row can be traced. A stage resumed
 * with other models or other result-affecting settings is refused unless forced, naming what changed.
 */
export type StageName = 'seed' | 'd0' | 'd1';

export interface StageInput {
  readonly role: string;
  readonly path: string;
  readonly sha256: string;
  readonly rows?: number;
}

export interface StageManifest {
  readonly version: 1;
  readonly stage: StageName;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly command: readonly string[];
  /** Every setting of the stage. */
  readonly config: Readonly<Record<string, unknown>>;
  /** The settings whose change would change what a row is (compared when resuming). */
  readonly resultAffecting: Readonly<Record<string, unknown>>;
  /** `teacher`, `student`: the models that wrote the rows. */
  readonly models: Readonly<Record<string, ModelIdentity>>;
  readonly inputs: readonly StageInput[];
  readonly versions: { readonly mathcoder: string; readonly node: string; readonly nodeLlamaCpp: string | null; readonly python: PythonInfo | null };
  readonly sandbox: IsolationInfo | null;
  readonly git: string | null;
}

export type StageManifestInput = Pick<StageManifest, 'stage' | 'command' | 'config' | 'resultAffecting' | 'models' | 'inputs'> & { readonly sandbox?: SandboxInfo };

const manifestSchema = z.looseObject({
  version: z.literal(1),
  stage: z.enum(['seed', 'd0', 'd1']),
  createdAt: z.string(),
  resultAffecting: z.record(z.string(), z.unknown()),
  models: z.record(z.string(), z.looseObject({ backend: z.string(), name: z.string() })),
});

export function readStageManifest(path: string): StageManifest {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new MathcoderError('input', `${path} is not valid JSON (${errorMessage(error)}): fix it, or use another --out`);
  }
  const result = manifestSchema.safeParse(value);
  if (!result.success) throw new MathcoderError('input', `${path} is not a mathcoder data manifest (field ${result.error.issues[0]!.path.join('.')})`);
  return value as StageManifest;
}

const fingerprintOf = (model: ModelIdentity | undefined) => (model ? modelFingerprint(model) : null);

/** Why rows made under `previous` cannot be mixed with rows made under `next` (empty when they can). */
export function stageIncompatibilities(previous: StageManifest, next: StageManifestInput): string[] {
  if (previous.stage !== next.stage) return [`the folder holds the ${previous.stage} stage, not ${next.stage}`];
  const roles = [...new Set([...Object.keys(previous.models), ...Object.keys(next.models)])].sort();
  return [
    ...roles.flatMap((role) => describeChanges(fingerprintOf(previous.models[role]), fingerprintOf(next.models[role])).map((change) => `${role} ${change}`)),
    ...describeChanges(previous.resultAffecting, next.resultAffecting),
  ];
}

/**
 * Writes the stage's manifest (a new one, or the existing one brought up to date), refusing first when the folder
 * holds rows of other models or settings and `force` is not set.
 */
export function prepareStageManifest(path: string, next: StageManifestInput, force: boolean): StageManifest {
  const previous = existsSync(path) ? readStageManifest(path) : null;
  if (previous && !force) {
    const changes = stageIncompatibilities(previous, next);
    if (changes.length > 0) {
      throw new MathcoderError('input', `${path} belongs to rows made another way (${changes.join('; ')}): use another --out, or --force to mix them`);
    }
  }
  const now = new Date().toISOString();
  const manifest: StageManifest = {
    version: 1,
    stage: next.stage,
    createdAt: previous?.createdAt ?? now,
    updatedAt: now,
    command: next.command,
    config: next.config,
    resultAffecting: next.resultAffecting,
    models: next.models,
    inputs: next.inputs,
    versions: {
      mathcoder: mathcoderVersion(),
      node: process.version,
      nodeLlamaCpp: installedPackageVersion('node-llama-cpp'),
      python: next.sandbox?.python ?? null,
    },
    sandbox: next.sandbox?.isolation ?? null,
    git: gitRevision(),
  };
  writeJsonAtomically(path, manifest);
  return manifest;
}
