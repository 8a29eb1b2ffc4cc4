import { resolve } from 'node:path';
import type { Command } from 'commander';
import { buildSeeds } from '../../build-data/build-seeds.js';
import { SEED_SOURCES, type SeedSource } from '../../build-data/seed-problem.js';
import { locateTrainSet, type TrainSetSource } from '../../build-data/seed-sources.js';
import { MathcoderError } from '../../errors.js';
import { hubConfigFromEnvironment } from '../../hub/hub-config.js';
import { createProgress, formatMegabytes, type ProgressReporter } from '../../util/progress.js';
import { positiveInteger, runCommand } from '../run-command.js';
import { addTestSetFlags, dataDirOf, testSetsFromFlags, type TestSetFlags } from './data-test-sets.js';

interface SeedFlags extends TestSetFlags {
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
      .option('--sources <list>', 'training sets to take problems from', SEED_SOURCES.join(','))
      .option('--gsm8k-train <file>', 'the GSM8K training set (default: gsm8k/train.jsonl under --data-dir, else the hub copy openai/gsm8k)')
      .option('--math-train <file>', 'the MATH training set, native rows or MathCoder *_post.jsonl (default: math/train.jsonl under --data-dir, else the hub copy EleutherAI/hendrycks_math)')
      .option('--limit <n>', 'only the first n problems of each source', positiveInteger('--limit'))
      .option('--drop-test-overlap', 'leave out seeds that are test problems (listed in test-overlaps.jsonl) instead of refusing the input'),
  ).action((flags: SeedFlags) =>
    runCommand(async () => {
      const hub = hubConfigFromEnvironment(process.env);
      const dataDir = dataDirOf(flags);
      const sources: TrainSetSource[] = [];
      for (const source of parseSources(flags.sources)) {
        const file = source === 'gsm8k' ? flags.gsm8kTrain : flags.mathTrain;
        let bar: ProgressReporter | null = null;
        sources.push(
          await locateTrainSet(source, {
            dataDir,
            ...(file === undefined ? {} : { file }),
            hub,
            onDownloadProgress: ({ file: hubFile, receivedBytes, totalBytes }) => {
              if (totalBytes === null) return;
              bar ??= createProgress({ label: `download ${hubFile.repo}/${hubFile.path}`, total: totalBytes, unit: '', formatValue: formatMegabytes });
              bar.update(receivedBytes);
            },
          }).finally(() => (bar as ProgressReporter | null)?.stop()),
        );
      }
      const tests = await testSetsFromFlags(flags);
      const outcome = await buildSeeds({ outDir: resolve(flags.out), sources, limit: flags.limit ?? null, tests, dropTestOverlap: Boolean(flags.dropTestOverlap), command: process.argv.slice(2) });
      const counts = Object.entries(outcome.bySource).filter(([source]) => sources.some((located) => located.source === source)).map(([source, count]) => `${count} ${source}`);
      console.log(`${outcome.path}: ${counts.join(', ')} seed problems; checked against ${tests.problems.length} test problems (${tests.records.map((record) => record.name).join(', ')})`);
      if (outcome.skipped.length > 0) console.log(`left out ${outcome.skipped.length} rows without a question or reference answer (first: ${outcome.skipped[0]!.where}: ${outcome.skipped[0]!.reason})`);
      if (outcome.dropped.length > 0) console.log(`left out ${outcome.dropped.length} seeds that are test problems (--drop-test-overlap); listed in test-overlaps.jsonl`);
    }),
  );
}
