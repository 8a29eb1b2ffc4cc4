import { join } from 'node:path';
import type { Command } from 'commander';
import type { LoadedTestSets } from '../../build-data/test-sets.js';
import { DATASET_NAMES, datasetSpec } from '../../datasets/catalogue.js';
import { MathcoderError } from '../../errors.js';
import { hubConfigFromEnvironment } from '../../hub/hub-config.js';
import { inputFolder } from '../input-checks.js';

/** --test-sets and --data-dir: the benchmark test sets seeds and training data are checked against. */
export function addTestSetFlags(command: Command): Command {
  return command
    .option('--test-sets <list>', `comma-separated test sets to check against (default: every one the project knows: ${DATASET_NAMES.join(',')})`)
    .option('--data-dir <dir>', 'folder laid out like ../shared/data (default: datasets/ in the cache, MATHCODER_CACHE or ~/.cache/mathcoder; sets missing there are downloaded from the hub when they have a copy)');
}

export interface TestSetFlags {
  readonly testSets?: string;
  readonly dataDir?: string;
}

export function dataDirOf(flags: TestSetFlags): string {
  return flags.dataDir ?? join(hubConfigFromEnvironment(process.env).cacheDir, 'datasets');
}

/** The test sets asked for (each a known dataset), and a --data-dir that exists when given. */
export function checkTestSetFlags(flags: TestSetFlags): string[] {
  const names = flags.testSets === undefined ? [...DATASET_NAMES] : flags.testSets.split(',').map((name) => name.trim()).filter(Boolean);
  if (names.length === 0) throw new MathcoderError('input', `--test-sets is empty; known: ${DATASET_NAMES.join(', ')}`);
  for (const name of names) datasetSpec(name);
  if (flags.dataDir !== undefined) inputFolder(flags.dataDir, '--data-dir');
  return [...new Set(names)];
}

export async function testSetsFromFlags(flags: TestSetFlags): Promise<LoadedTestSets> {
  const names = checkTestSetFlags(flags);
  const { loadTestSets } = await import('../../build-data/test-sets.js');
  try {
    return await loadTestSets(names, { dataDir: dataDirOf(flags), hub: hubConfigFromEnvironment(process.env) });
  } catch (error) {
    if (error instanceof MathcoderError && (error.kind === 'dataset' || error.kind === 'download' || error.kind === 'network')) {
      throw new MathcoderError(error.kind, `${error.message} (or leave that set out with --test-sets)`);
    }
    throw error;
  }
}
