import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { GPT4_PRICES } from '../../build-data/d0-stats.js';
import { SEED_FILES } from '../../build-data/seed-names.js';
import { MathcoderError } from '../../errors.js';
import { inputRowFiles, outputFolder } from '../input-checks.js';
import { nonNegativeNumber, positiveInteger } from '../run-command.js';
import { addSandboxFlags, checkSandboxFlags, type SandboxFlagValues } from '../sandbox-flags.js';
import { addSolveFlags, type SolveFlagValues } from '../solve-flags.js';
import { checkRoleModel, checkRoleReachable, roleFlags, type ModelRole } from './data-model-flags.js';
import type { StageSeeds } from './data-seeds.js';

/** The flags d0 and d1 share: the stage folder, concurrency, the solve loop's limits, sampling, prices. */

export function addStageFlags(command: Command, defaults: { samples: number; temperature: number }): Command {
  addSolveFlags(command, { noun: 'solution', temperature: defaults.temperature, seed: 0, seedHelp: 'seed of sample 0' });
  return addSandboxFlags(
    command
      .requiredOption('--seeds <path>', 'the seed stage folder (or its seeds.jsonl), from `mathcoder data seed`')
      .requiredOption('--out <dir>', 'the stage folder: manifest.json, the append-only results, kept.jsonl, stats.json, stats.md')
      .option('--force', 'resume into a folder made with other models or settings anyway')
      .option('--concurrency <k>', 'pieces of work (model requests) in flight at once', positiveInteger('--concurrency'), Math.max(4, availableParallelism() * 2))
      .option('--samples <n>', 'solutions per problem (sample s uses seed + s)', positiveInteger('--samples'), defaults.samples)
      .option('--price-prompt <usd>', 'teacher price in US dollars per million prompt tokens, for the cost estimate (GPT-4 8k list price by default)', nonNegativeNumber('--price-prompt'), GPT4_PRICES.promptPerMillion)
      .option('--price-completion <usd>', 'teacher price in US dollars per million completion tokens', nonNegativeNumber('--price-completion'), GPT4_PRICES.completionPerMillion),
  );
}

export interface StageFlags extends SandboxFlagValues, SolveFlagValues {
  readonly seeds: string;
  readonly out: string;
  readonly force?: boolean;
  readonly concurrency: number;
  readonly samples: number;
  readonly seed: number;
  readonly pricePrompt: number;
  readonly priceCompletion: number;
}

/** The seeds file of `--seeds`: a seed folder's seeds.jsonl, or the file itself. */
export function seedsFile(path: string): string {
  return existsSync(path) && statSync(path).isDirectory() ? join(path, SEED_FILES.seeds) : path;
}

/**
 * Everything a stage can check before it connects a model or starts the sandbox: the flags and files, then the
 * seeds themselves, then (last) that the models' servers can be reached. Returns the seeds, read.
 */
export async function checkStageInput(flags: StageFlags & Record<string, unknown>, command: string, roles: readonly ModelRole[]): Promise<StageSeeds> {
  const file = seedsFile(flags.seeds);
  if (!existsSync(file)) throw new MathcoderError('input', `cannot read ${file}: no such file; make seeds with \`mathcoder data seed --out DIR\` and pass --seeds DIR`);
  inputRowFiles([file], 'seed problems', '--seeds');
  for (const role of roles) await checkRoleModel(role, roleFlags(flags, role), command);
  checkSandboxFlags(flags);
  outputFolder(flags.out);
  const { readSeeds } = await import('./data-seeds.js');
  const seeds = await readSeeds(flags.seeds);
  for (const role of roles) await checkRoleReachable(role, roleFlags(flags, role));
  return seeds;
}
