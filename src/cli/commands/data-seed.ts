import type { Command } from 'commander';
import { SEED_SOURCES, type SeedSource } from '../../build-data/seed-names.js';
import { MathcoderError } from '../../errors.js';
import { inputRowFiles, outputFolder } from '../input-checks.js';
import { positiveInteger, runCommand } from '../run-command.js';
import { addTestSetFlags, checkTestSetFlags, type TestSetFlags } from './data-test-sets.js';

export interface SeedFlags extends TestSetFlags {
  readonly out: string;
  readonly sources: string;
  readonly gsm8kTrain?: string;
  readonly mathTrain?: string;
  readonly limit?: number;
  readonly dropTestOverlap?: boolean;
}

function parseSources(list: string): SeedSource[] {
  const names = list.split(',').map((name) => name.trim()).filter(Boolean);
  for (const name of names) if (!(SEED_SOURCES as readonly string[]).includes(name)) throw new MathcoderError('input', `--sources: unknown source "${name}"; known: ${SEED_SOURCES.join(', ')}`);
  if (names.length === 0) throw new MathcoderError('input', `--sources is empty; known: ${SEED_SOURCES.join(', ')}`);
  return [...new Set(names)] as SeedSource[];
}

export function registerDataSeedCommand(data: Command): void {
  addTestSetFlags(
    data
      .command('seed')
      .description('the seed problems: GSM8K and MATH training problems with reference answers, refusing any that is a test problem')
      .requiredOption('--out <dir>', 'the seed folder: seeds.jsonl and manifest.json')
      .option('--sources <list>', `comma-separated training sets to take problems from (${SEED_SOURCES.join(', ')})`, SEED_SOURCES.join(','))
      .option('--gsm8k-train <file>', 'the GSM8K training set (default: gsm8k/train.jsonl under --data-dir, else the hub copy openai/gsm8k)')
      .option('--math-train <file>', 'the MATH training set, native rows or MathCoder *_post.jsonl (default: math/train.jsonl under --data-dir, else the hub copy EleutherAI/hendrycks_math)')
      .option('--limit <n>', 'only the first n problems of each source', positiveInteger('--limit'))
      .option('--drop-test-overlap', 'leave out seeds that are test problems (listed in test-overlaps.jsonl) instead of refusing the input'),
  ).action((flags: SeedFlags) =>
    runCommand(
      async () => {
        const sources = parseSources(flags.sources);
        for (const [flag, file] of [['--gsm8k-train', flags.gsm8kTrain], ['--math-train', flags.mathTrain]] as const) if (file !== undefined) inputRowFiles([file], 'training problems', flag);
        checkTestSetFlags(flags);
        outputFolder(flags.out);
        const { runSeed } = await import('./data-seed-run.js');
        await runSeed(flags, sources);
      },
      { outputFolders: [flags.out] },
    ),
  );
}
