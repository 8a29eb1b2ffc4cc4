import { resolve } from 'node:path';
import { DATASET_NAMES } from '../datasets/catalogue.js';
import { loadDataset, type DatasetSourceOptions } from '../datasets/load-dataset.js';
import { sha256OfFile } from '../eval/run-manifest.js';
import type { TestProblem } from './contamination.js';

/**
 * Every benchmark test set the project knows (the registry of src/datasets), as the problems seeds must not be
 * and training data must not copy.
 */
export const ALL_TEST_SETS: readonly string[] = DATASET_NAMES;

export interface TestSetRecord {
  readonly name: string;
  readonly files: ReadonlyArray<{ readonly path: string; readonly sha256: string }>;
  readonly problems: number;
}

export interface LoadedTestSets {
  readonly problems: readonly TestProblem[];
  readonly records: readonly TestSetRecord[];
}

export async function loadTestSets(names: readonly string[], options: DatasetSourceOptions): Promise<LoadedTestSets> {
  const problems: TestProblem[] = [];
  const records: TestSetRecord[] = [];
  for (const name of names) {
    const loaded = await loadDataset(name, options);
    for (const problem of loaded.problems) problems.push({ id: problem.id, dataset: problem.dataset, question: problem.question });
    const files = await Promise.all(loaded.location.paths.map(async (path) => ({ path: resolve(path), sha256: await sha256OfFile(path) })));
    records.push({ name, files, problems: loaded.problems.length });
  }
  return { problems, records };
}
