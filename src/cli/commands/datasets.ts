import type { Command } from 'commander';
import { DATASET_NAMES, datasetSpec } from '../../datasets/catalogue.js';
import { inputFolder } from '../input-checks.js';
import { runCommand } from '../run-command.js';

export interface DatasetsFlags {
  readonly dataDir?: string;
  readonly json?: boolean;
}

export function registerDatasetsCommand(program: Command): void {
  const command = program
    .command('datasets')
    .description('list the benchmark sets with their row counts and where each is on this machine')
    .option('--data-dir <dir>', 'folder laid out like ../shared/data (default: datasets/ in the cache, MATHCODER_CACHE or ~/.cache/mathcoder)')
    .option('--json', 'one JSON object per dataset')
    .action((flags: DatasetsFlags) =>
      runCommand(async () => {
        if (flags.dataDir !== undefined) inputFolder(flags.dataDir, '--data-dir');
        const { listDatasets } = await import('./datasets-run.js');
        await listDatasets(flags);
      }),
    );
  command
    .command('download')
    .description('download sets from the Hugging Face hub into the cache (resumable; HF_TOKEN and HF_ENDPOINT honoured)')
    .argument('<names...>', `dataset names (${DATASET_NAMES.join(', ')})`)
    .action((names: string[]) =>
      runCommand(async () => {
        for (const name of names) datasetSpec(name);
        const { downloadDatasets } = await import('./datasets-run.js');
        await downloadDatasets(names, command.opts<DatasetsFlags>());
      }),
    );
}
