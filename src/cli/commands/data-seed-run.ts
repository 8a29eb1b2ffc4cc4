import { resolve } from 'node:path';
import { buildSeeds } from '../../build-data/build-seeds.js';
import type { SeedSource } from '../../build-data/seed-names.js';
import { locateTrainSet, type TrainSetSource } from '../../build-data/seed-sources.js';
import { hubConfigFromEnvironment } from '../../hub/hub-config.js';
import { createProgress, formatMegabytes, type ProgressReporter } from '../../util/progress.js';
import { dataDirOf, testSetsFromFlags } from './data-test-sets.js';
import type { SeedFlags } from './data-seed.js';

/** `mathcoder data seed`, its flags checked: finds the training sets, checks them against the test sets, writes the seeds. */
export async function runSeed(flags: SeedFlags, names: readonly SeedSource[]): Promise<void> {
  const hub = hubConfigFromEnvironment(process.env);
  const dataDir = dataDirOf(flags);
  const sources: TrainSetSource[] = [];
  for (const source of names) {
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
}
