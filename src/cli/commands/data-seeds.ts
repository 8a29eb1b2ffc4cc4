import { resolve } from 'node:path';
import { parseSeedProblem, type SeedProblem } from '../../build-data/seed-problem.js';
import type { StageInput } from '../../build-data/stage-manifest.js';
import { sha256OfFile } from '../../eval/run-manifest.js';
import { MathcoderError } from '../../errors.js';
import { readJsonlSync } from '../../util/jsonl.js';
import { seedsFile } from './data-flags.js';

/** The seeds of a data stage, read and checked, with the file's hash for the manifest. */
export interface StageSeeds {
  readonly seeds: SeedProblem[];
  readonly input: StageInput;
}

/** The seed problems of `--seeds` (a seed folder or its seeds.jsonl), each checked to be a seed problem. */
export async function readSeeds(path: string): Promise<StageSeeds> {
  const file = seedsFile(path);
  const seeds = readJsonlSync(file).map(({ lineNumber, value }) => parseSeedProblem(value, `${file}:${lineNumber}`));
  if (seeds.length === 0) throw new MathcoderError('input', `${file} holds no seed problems`);
  return { seeds, input: { role: 'seeds', path: resolve(file), sha256: await sha256OfFile(file), rows: seeds.length } };
}
