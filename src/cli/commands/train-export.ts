import { Option, type Command } from 'commander';
import { TRAINERS, type Trainer } from '../../train/train-choices.js';
import { inputRowFiles, outputFolder } from '../input-checks.js';
import { positiveInteger, runCommand } from '../run-command.js';

export interface TrainExportFlags {
  readonly trainer: Trainer;
  readonly out: string;
  readonly model: string;
  readonly tokenizer: string;
  readonly querySuffix: string;
  readonly contextLength: number;
}

export function registerTrainExportCommand(train: Command): void {
  train
    .command('export')
    .description("write the data, template and config that TRL, Axolotl or LLaMA-Factory need to train with MathCoder's loss")
    .argument('<data...>', 'JSONL files: train_80k rows or published trajectories')
    .addOption(new Option('--trainer <name>', 'the trainer to export for').choices([...TRAINERS]).makeOptionMandatory())
    .requiredOption('--out <dir>', 'output folder')
    .option('--model <path-or-id>', 'base model written into the config', 'meta-llama/Llama-2-7b-hf')
    .option('--tokenizer <path-or-id>', 'tokenizer written with the TRL export (tokenizer.json, tokenizer.model, llama2 or a cached id)', 'llama2')
    .option('--query-suffix <text>', 'appended to the question of published-format rows', '\n')
    .option('--context-length <n>', 'sequence length in the config', positiveInteger('--context-length'), 2048)
    .action((data: string[], flags: TrainExportFlags) =>
      runCommand(
        async () => {
          inputRowFiles(data, 'training rows');
          outputFolder(flags.out);
          const { runTrainExport } = await import('./train-export-run.js');
          await runTrainExport(data, flags);
        },
        { outputFolders: [flags.out] },
      ),
    );
}
