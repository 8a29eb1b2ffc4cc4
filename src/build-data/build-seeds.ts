import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { sha256OfFile } from '../eval/run-manifest.js';
import { MathcoderError, errorMessage } from '../errors.js';
import type { LoadedTestSets } from './test-sets.js';
import { describeOverlap, findSeedOverlaps, type SeedOverlap } from './seed-overlap.js';
import type { SeedProblem, SeedSource } from './seed-problem.js';
import { SEED_FILES } from './seed-names.js';
import { readTrainSet, type TrainSetSource } from './seed-sources.js';
import { prepareStageManifest, type StageInput } from './stage-manifest.js';
import { writeFileAtomically } from '../util/atomic-file.js';

/**
 * `data seed`: the GSM8K and MATH training problems with their reference answers, as `seeds.jsonl` in the stage
 * folder, refusing any that is a test problem (same text or a test id), and the manifest with each source file's
 * hash and every test set checked. The stage is a pure function of its inputs: running it again writes the same
 * file (whole, under a temporary name first, so a crash never leaves half of it).
 */
export { SEED_FILES };

export interface BuildSeedsOptions {
  readonly outDir: string;
  readonly sources: readonly TrainSetSource[];
  /** The first N problems of each source; null for all. */
  readonly limit: number | null;
  readonly tests: LoadedTestSets;
  /** Leave test problems out (listed in test-overlaps.jsonl) instead of refusing the whole input. */
  readonly dropTestOverlap: boolean;
  readonly command: readonly string[];
}

export interface SeedsOutcome {
  readonly path: string;
  readonly bySource: Readonly<Record<string, number>>;
  readonly skipped: ReadonlyArray<{ readonly where: string; readonly reason: string }>;
  readonly dropped: readonly SeedOverlap[];
}

const SHOWN_OVERLAPS = 10;

export async function buildSeeds(options: BuildSeedsOptions): Promise<SeedsOutcome> {
  try {
    mkdirSync(options.outDir, { recursive: true });
  } catch (error) {
    throw new MathcoderError('output', `cannot create ${options.outDir}: ${errorMessage(error)}; choose another --out`);
  }
  const seeds: SeedProblem[] = [];
  const skipped: Array<{ where: string; reason: string }> = [];
  const inputs: StageInput[] = [];
  const bySource: Record<SeedSource, number> = { gsm8k: 0, math: 0 };
  for (const source of options.sources) {
    const read = await readTrainSet(source);
    const taken = read.problems.slice(0, options.limit ?? Infinity);
    seeds.push(...taken);
    skipped.push(...read.skipped);
    bySource[source.source] += taken.length;
    for (const path of source.paths) inputs.push({ role: `${source.source}-train`, path: resolve(path), sha256: await sha256OfFile(path) });
  }
  const overlaps = findSeedOverlaps(seeds, options.tests.problems);
  if (overlaps.length > 0 && !options.dropTestOverlap) {
    const shown = overlaps.slice(0, SHOWN_OVERLAPS).map(describeOverlap).join('; ');
    const more = overlaps.length > SHOWN_OVERLAPS ? `; and ${overlaps.length - SHOWN_OVERLAPS} more` : '';
    throw new MathcoderError(
      'input',
      `refused: ${overlaps.length} seed problem${overlaps.length === 1 ? ' is a test problem' : 's are test problems'}: ${shown}${more}. Seeds must be training problems: remove them from the input, or pass --drop-test-overlap to leave them out`,
    );
  }
  const droppedIds = new Set(overlaps.map((overlap) => overlap.seed.id));
  const kept = seeds.filter((seed) => !droppedIds.has(seed.id));
  for (const overlap of overlaps) bySource[overlap.seed.source] -= 1;

  prepareStageManifest(
    join(options.outDir, SEED_FILES.manifest),
    {
      stage: 'seed',
      command: options.command,
      config: { limit: options.limit, dropTestOverlap: options.dropTestOverlap, testSets: options.tests.records.map((record) => record.name) },
      resultAffecting: {},
      models: {},
      inputs: [...inputs, ...options.tests.records.flatMap((record) => record.files.map((file) => ({ role: `test:${record.name}`, path: file.path, sha256: file.sha256, rows: record.problems })))],
    },
    true,
  );
  const path = join(options.outDir, SEED_FILES.seeds);
  writeFileAtomically(path, kept.map((seed) => JSON.stringify(seed) + '\n').join(''));
  if (overlaps.length > 0) {
    writeFileAtomically(
      join(options.outDir, SEED_FILES.overlaps),
      overlaps.map((overlap) => JSON.stringify({ seed: overlap.seed.id, where: overlap.seed.origin.where, test: overlap.test?.id ?? null, why: overlap.why }) + '\n').join(''),
    );
  }
  return { path, bySource, skipped, dropped: overlaps };
}
