import { fileURLToPath } from 'node:url';
import { readTrainSet } from '../../src/build-data/seed-sources.js';
import type { SeedProblem } from '../../src/build-data/seed-problem.js';
import { sharedPath } from '../helpers/shared.js';

/** MATH-format training problems written for the tests (the MATH training set is not in ../shared). */
export const MATH_TRAIN_FIXTURE = fileURLToPath(new URL('./fixtures/math-train.jsonl', import.meta.url));

export const GSM8K_TRAIN = sharedPath('data', 'gsm8k', 'train.jsonl');

/** The first `gsm8k` GSM8K training problems and the first `math` fixture problems, as `data seed` reads them. */
export async function seedSlice(gsm8k: number, math: number): Promise<SeedProblem[]> {
  const gsm = await readTrainSet({ source: 'gsm8k', paths: [GSM8K_TRAIN], from: 'file' });
  const competition = await readTrainSet({ source: 'math', paths: [MATH_TRAIN_FIXTURE], from: 'file' });
  return [...gsm.problems.slice(0, gsm8k), ...competition.problems.slice(0, math)];
}
