import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { SpecialTokenPolicy } from '../../tokenizer/index.js';
import { LOSS_POLICIES, TOO_LONG_POLICIES, prepareTrainingData, type LossPolicy, type PrepareStats, type TooLongPolicy } from '../../train/index.js';
import { createProgress } from '../../util/progress.js';
import { positiveInteger, runCommand } from '../run-command.js';
import { tokenizerFromFlag } from '../tokenizer-flag.js';
import { registerTrainExportCommand } from './train-export.js';
import { registerTrainLaunchCommand } from './train-launch.js';

function oneOf<T extends string>(name: string, values: readonly T[]): (value: string) => T {
  return (value: string) => {
    if (!(values as readonly string[]).includes(value)) throw new InvalidArgumentError(`${name} must be one of ${values.join(', ')}.`);
    return value as T;
  };
}

async function countLines(path: string): Promise<number> {
  if (!existsSync(path)) return 0;
  let lines = 0;
  for await (const chunk of createReadStream(path)) {
    const buffer = chunk as Buffer;
    for (let index = buffer.indexOf(10); index >= 0; index = buffer.indexOf(10, index + 1)) lines += 1;
  }
  return lines;
}

function percent(value: number): string {
  return `${(100 * value).toFixed(1)}%`;
}

export function statsLines(stats: PrepareStats): string[] {
  return [
    `rows ${stats.rows}: ${stats.samples} samples packed, ${stats.droppedTooLong} dropped and ${stats.truncated} truncated for being longer than ${stats.contextLength} tokens (longest ${stats.longestSample}), ${stats.unfinished} unfinished`,
    `tokens ${stats.tokens}, trained ${stats.trainedTokens} (${percent(stats.trainedShare)})`,
    `packed rows ${stats.packedRows} of ${stats.contextLength} tokens, packing efficiency ${percent(stats.packingEfficiency)}`,
  ];
}

interface PrepareFlags {
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

function registerTrainPrepareCommand(train: Command): void {
  train
    .command('prepare')
    .description('tokenise train_80k-format (or published-trajectory) rows with labels, pack them and write train.jsonl, train.parquet and prepare.json')
    .argument('<data...>', 'JSONL files: train_80k rows ({"messages": [...]}) or published trajectories (debug_result)')
    .requiredOption('--tokenizer <path-or-id>', 'tokenizer.json, tokenizer.model, a folder with one, "llama2" (built in), or a Hugging Face id in the local cache')
    .requiredOption('--out <dir>', 'output folder')
    .option('--context-length <n>', 'tokens per packed row', positiveInteger('--context-length'), 2048)
    .option('--loss <policy>', 'paper: train text and code blocks and the final <|endofmessage|> only; all: the released recipe, train on everything', oneOf('--loss', LOSS_POLICIES), 'paper')
    .option('--too-long <policy>', 'a sample longer than the context: drop it, or truncate it (counted either way)', oneOf('--too-long', TOO_LONG_POLICIES), 'drop')
    .option('--no-bos', 'do not start each sample with the BOS token')
    .option('--query-suffix <text>', 'appended to the question of published-format rows (the released inference appends a newline)', '\n')
    .option('--special-tokens <policy>', "add MathCoder's eight tokens where missing, or require them (a MathCoder tokenizer)", oneOf('--special-tokens', ['add', 'require'] as const), 'add')
    .option('--open-rows <n>', 'rows kept open for best-fit packing', positiveInteger('--open-rows'), 64)
    .option('--no-parquet', 'write train.jsonl only')
    .option('--json', 'print prepare.json instead of the summary')
    .action((data: string[], flags: PrepareFlags) =>
      runCommand(async () => {
        const tokenizer = tokenizerFromFlag(flags.tokenizer, flags.specialTokens);
        let total = 0;
        for (const file of data) total += await countLines(file);
        const progress = createProgress({ label: 'prepare', total: Math.max(total, 1), unit: 'rows', fieldNames: ['tokens', 'packed'] });
        const manifest = await prepareTrainingData({
          inputs: data,
          outDir: flags.out,
          tokenizer,
          contextLength: flags.contextLength,
          lossPolicy: flags.loss,
          tooLong: flags.tooLong,
          bos: flags.bos,
          querySuffix: flags.querySuffix,
          openRows: flags.openRows,
          parquet: flags.parquet,
          onProgress: (rows, stats) => progress.update(Math.min(rows, total), { tokens: String(stats.tokens), packed: String(stats.packedRows) }),
        });
        progress.stop();
        if (flags.json) {
          console.log(JSON.stringify(manifest, null, 2));
          return;
        }
        for (const line of statsLines(manifest.stats)) console.log(line);
        console.log(`wrote ${join(flags.out, manifest.files.jsonl)}${manifest.files.parquet ? `, ${join(flags.out, manifest.files.parquet)}` : ''} and ${join(flags.out, 'prepare.json')} (tokenizer ${tokenizer.source}, ${tokenizer.size} ids)`);
      }),
    );
}

export function registerTrainCommand(program: Command): void {
  const train = program.command('train').description('prepare MathCoder SFT data and launch fine-tuning on existing trainers');
  registerTrainPrepareCommand(train);
  registerTrainExportCommand(train);
  registerTrainLaunchCommand(train);
}
