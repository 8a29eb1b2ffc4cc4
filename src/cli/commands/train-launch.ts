import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { MathcoderError } from '../../errors.js';
import { ENGINES, PAPER_HYPERPARAMETERS, TINY_MODEL, type Engine } from '../../train/launch-plan.js';
import { PACKED_FILES } from '../../train/train-choices.js';
import { inputFolder, outputFolder, pythonFlag } from '../input-checks.js';
import { portNumber, positiveInteger, positiveNumber, runCommand } from '../run-command.js';

export interface LaunchFlags {
  readonly model: string;
  readonly tokenizer?: string;
  readonly out?: string;
  /** The former name of --out, still accepted. */
  readonly outputDir?: string;
  readonly engine: Engine;
  readonly gpus: number;
  readonly nodes: number;
  readonly mainProcessIp?: string;
  readonly mainProcessPort: number;
  readonly perDeviceBatch: number;
  readonly globalBatch: number;
  readonly epochs: number;
  readonly learningRate: number;
  readonly warmupSteps: number;
  readonly maxSteps?: number;
  readonly gradientCheckpointing: boolean;
  readonly offloadOptimizer?: boolean;
  readonly python?: string;
  readonly dryRun?: boolean;
  readonly run?: boolean;
}

/** The output folder: --out (or its former name --output-dir); one of them is required. */
export function launchOutput(flags: LaunchFlags): string {
  if (flags.out !== undefined && flags.outputDir !== undefined && flags.out !== flags.outputDir) throw new MathcoderError('input', '--out and --output-dir name two folders: give --out only');
  const out = flags.out ?? flags.outputDir;
  if (out === undefined) throw new MathcoderError('input', "required option '--out <dir>' not specified");
  return out;
}

function checkLaunchInput(dataDir: string, flags: LaunchFlags): void {
  inputFolder(dataDir, 'the data folder');
  if (!existsSync(join(dataDir, PACKED_FILES.manifest))) throw new MathcoderError('input', `${dataDir} has no ${PACKED_FILES.manifest}: run \`mathcoder train prepare ... --out ${dataDir}\` first`);
  if (flags.dryRun && flags.run) throw new MathcoderError('input', '--dry-run and --run: give one of them');
  if (flags.model === TINY_MODEL && flags.nodes > 1) throw new MathcoderError('input', `--model ${TINY_MODEL} trains in one process on this machine's CPU: leave out --nodes`);
  pythonFlag(flags.python ?? process.env.MATHCODER_TRAIN_PYTHON, flags.python === undefined ? 'MATHCODER_TRAIN_PYTHON' : '--python');
  outputFolder(launchOutput(flags));
}

export function registerTrainLaunchCommand(train: Command): void {
  train
    .command('launch')
    .description("write (and with --run start) a fine-tuning job on a prepared folder: accelerate + DeepSpeed ZeRO-3 or FSDP, preset to the paper's hyperparameters")
    .argument('<data-dir>', 'folder written by `mathcoder train prepare`')
    .requiredOption('--model <path-or-id>', `base model (Llama-2 / CodeLlama path or Hugging Face id), or ${TINY_MODEL} (a small plain-PyTorch model, CPU)`)
    .option('--out <dir>', 'checkpoints, metrics.jsonl and the launch files (in launch/) (required)')
    .addOption(new Option('--output-dir <dir>', 'the former name of --out').hideHelp())
    .option('--tokenizer <path-or-id>', 'the base model tokenizer, when not in --model')
    .addOption(new Option('--engine <engine>', 'deepspeed (ZeRO-3, as the paper) or fsdp').choices([...ENGINES]).default('deepspeed'))
    .option('--gpus <n>', 'GPUs per node', positiveInteger('--gpus'), 8)
    .option('--nodes <n>', 'nodes', positiveInteger('--nodes'), 1)
    .option('--main-process-ip <address>', 'address of node 0 (several nodes)')
    .option('--main-process-port <port>', 'port of node 0', portNumber('--main-process-port'), 29500)
    .option('--per-device-batch <n>', 'packed rows per GPU per forward pass', positiveInteger('--per-device-batch'), 4)
    .option('--global-batch <n>', 'packed rows per optimizer step', positiveInteger('--global-batch'), PAPER_HYPERPARAMETERS.globalBatch)
    .option('--epochs <n>', 'epochs', positiveNumber('--epochs'), PAPER_HYPERPARAMETERS.epochs)
    .option('--learning-rate <lr>', 'peak learning rate', positiveNumber('--learning-rate'), PAPER_HYPERPARAMETERS.learningRate)
    .option('--warmup-steps <n>', 'linear warm-up steps', positiveInteger('--warmup-steps'), PAPER_HYPERPARAMETERS.warmupSteps)
    .option('--max-steps <n>', 'stop after n optimizer steps', positiveInteger('--max-steps'))
    .option('--no-gradient-checkpointing', 'keep activations (faster, more memory)')
    .option('--offload-optimizer', 'offload optimizer state to CPU (34B/70B on 80 GB GPUs)')
    .option('--python <path>', 'Python with torch (and transformers, accelerate, deepspeed for a real model) (default: MATHCODER_TRAIN_PYTHON, else the interpreter the sandbox finds: MATHCODER_PYTHON, /usr/bin/python3, python3)')
    .option('--dry-run', 'print the resolved plan and the environment check; write and start nothing')
    .option('--run', 'start training after writing the launch files (on this node), showing step, loss and tokens/s')
    .action((dataDir: string, flags: LaunchFlags) =>
      runCommand(
        async () => {
          checkLaunchInput(dataDir, flags);
          const { runLaunch } = await import('./train-launch-run.js');
          await runLaunch(dataDir, flags);
        },
        { outputFolders: [flags.out ?? flags.outputDir] },
      ),
    );
}
