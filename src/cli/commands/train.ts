import { Option, type Command } from 'commander';
import { LOSS_POLICIES, TOO_LONG_POLICIES, type LossPolicy, type TooLongPolicy } from '../../train/train-choices.js';
import type { SpecialTokenPolicy } from '../../tokenizer/index.js';
import { inputRowFiles, outputFolder } from '../input-checks.js';
import { positiveInteger, requireSubcommand, runCommand } from '../run-command.js';
import { registerTrainExportCommand } from './train-export.js';
import { registerTrainLaunchCommand } from './train-launch.js';

export interface PrepareFlags {
  readonly tokenizer: string;
  readonly out: string;
  readonly contextLength: number;
  readonly loss: LossPolicy;
  readonly tooLong: TooLongPolicy;
  readonly bos: boolean;
  readonly querySuffix: string;
  readonly specialTokens: SpecialTokenPolicy;
  readonly openRows: number;
  readonly parquet: boolean;
  readonly json?: boolean;
}

const SPECIAL_TOKEN_POLICIES: readonly SpecialTokenPolicy[] = ['add', 'require'];

function registerTrainPrepareCommand(train: Command): void {
  train
    .command('prepare')
    .description('tokenise train_80k-format (or published-trajectory) rows with labels, pack them and write train.jsonl, train.parquet and prepare.json')
    .argument('<data...>', 'JSONL files: train_80k rows ({"messages": [...]}) or published trajectories (debug_result)')
    .requiredOption('--tokenizer <path-or-id>', 'tokenizer.json, tokenizer.model, a folder with one, "llama2" (built in), or a Hugging Face id in the local cache')
    .requiredOption('--out <dir>', 'output folder')
    .option('--context-length <n>', 'tokens per packed row', positiveInteger('--context-length'), 2048)
    .addOption(new Option('--loss <policy>', 'paper: train text and code blocks and the final <|endofmessage|> only; all: the released recipe, train on everything').choices([...LOSS_POLICIES]).default('paper'))
    .addOption(new Option('--too-long <policy>', 'a sample longer than the context: drop it, or truncate it (counted either way)').choices([...TOO_LONG_POLICIES]).default('drop'))
    .option('--no-bos', 'do not start each sample with the BOS token')
    .option('--query-suffix <text>', 'appended to the question of published-format rows (the released inference appends a newline)', '\n')
    .addOption(new Option('--special-tokens <policy>', "add MathCoder's eight tokens where missing, or require them (a MathCoder tokenizer)").choices([...SPECIAL_TOKEN_POLICIES]).default('add'))
    .option('--open-rows <n>', 'rows kept open for best-fit packing', positiveInteger('--open-rows'), 64)
    .option('--no-parquet', 'write train.jsonl only')
    .option('--json', 'print prepare.json instead of the summary')
    .action((data: string[], flags: PrepareFlags) =>
      runCommand(
        async () => {
          inputRowFiles(data, 'training rows');
          outputFolder(flags.out);
          const { runPrepare } = await import('./train-prepare-run.js');
          await runPrepare(data, flags);
        },
        { outputFolders: [flags.out] },
      ),
    );
}

export function registerTrainCommand(program: Command): void {
  const train = program.command('train').description('prepare MathCoder SFT data and launch fine-tuning on existing trainers');
  registerTrainPrepareCommand(train);
  registerTrainExportCommand(train);
  registerTrainLaunchCommand(train);
  requireSubcommand(train);
}
