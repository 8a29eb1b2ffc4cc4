import { join } from 'node:path';
import type { Command } from 'commander';
import { ALL_TEST_SETS, loadTestSets, type LoadedTestSets } from '../../build-data/test-sets.js';
import { datasetSpec } from '../../datasets/catalogue.js';
import { MathcoderError } from '../../errors.js';
import { hubConfigFromEnvironment } from '../../hub/hub-config.js';

/** --test-sets and --data-dir: the benchmark test sets seeds and training data are checked against. */
export function addTestSetFlags(command: Command): Command {
  return command
    .option('--test-sets <list>', `comma-separated test sets to check against (default: every one the project knows: ${ALL_TEST_SETS.join(',')})`)
    .option('--data-dir <dir>', 'folder laid out like ../shared/data (default: MATHCODER_CACHE or ~/.cache/mathcoder, /datasets; sets missing there are downloaded from the hub when they have a copy)');
}

export interface TestSetFlags {
  readonly testSets?: string;
  readonly dataDir?: string;
}

export function dataDirOf(flags: TestSetFlags): string {
  return flags.dataDir ?? join(hubConfigFromEnvironment(process.env).cacheDir, 'datasets');
}

export async function testSetsFromFlags(flags: TestSetFlags): Promise<LoadedTestSets> {
  const names = flags.testSets === undefined ? [...ALL_TEST_SETS] : flags.testSets.split(',').map((name) => name.trim()).filter(Boolean);
  if (names.length === 0) throw new MathcoderError('input', `--test-sets is empty; known: ${ALL_TEST_SETS.join(', ')}`);
  for (const name of names) datasetSpec(name);
  try {
    return await loadTestSets([...new Set(names)], { dataDir: dataDirOf(flags), hub: hubConfigFromEnvironment(process.env) });
  } catch (error) {
    if (error instanceof MathcoderError && (error.kind === 'dataset' || error.kind === 'download')) {
      throw new MathcoderError(error.kind, `${error.message} (or leave that set out with --test-sets)`);
    }
    throw error;
  }
}
