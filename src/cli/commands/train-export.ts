import { InvalidArgumentError, type Command } from 'commander';
import { TRAINERS, exportTrainerData, type Trainer } from '../../train/index.js';
import { positiveInteger, runCommand } from '../run-command.js';
import { tokenizerFromFlag } from '../tokenizer-flag.js';

interface ExportFlags {
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
    .description('write the data, template and config that TRL, Axolotl or LLaMA-Factory need to train with MathCoder\'s loss')
    .argument('<data...>', 'JSONL files: train_80k rows or published trajectories')
    .requiredOption('--trainer <name>', TRAINERS.join(', '), (value) => {
      if (!(TRAINERS as readonly string[]).includes(value)) throw new InvalidArgumentError(`--trainer must be one of ${TRAINERS.join(', ')}.`);
      return value as Trainer;
    })
    .requiredOption('--out <dir>', 'output folder')
    .option('--model <path-or-id>', 'base model written into the config', 'meta-llama/Llama-2-7b-hf')
    .option('--tokenizer <path-or-id>', 'tokenizer written with the TRL export (tokenizer.json, tokenizer.model, llama2 or a cached id)', 'llama2')
    .option('--query-suffix <text>', 'appended to the question of published-format rows', '\n')
    .option('--context-length <n>', 'sequence length in the config', positiveInteger('--context-length'), 2048)
    .action((data: string[], flags: ExportFlags) =>
      runCommand(async () => {
        const report = await exportTrainerData({
          inputs: data,
          outDir: flags.out,
          trainer: flags.trainer,
          model: flags.model,
          tokenizer: tokenizerFromFlag(flags.tokenizer),
          querySuffix: flags.querySuffix,
          contextLength: flags.contextLength,
        });
        console.log(`${flags.trainer}: ${report.written} of ${report.rows} rows written${report.skipped > 0 ? ` (${report.skipped} left out: unfinished or multi-turn, which the format cannot hold)` : ''}`);
        for (const file of report.files) console.log(`  ${file}`);
      }),
    );
}
