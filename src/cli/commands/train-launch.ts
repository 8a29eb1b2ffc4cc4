import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { MathcoderError } from '../../errors.js';
import {
  ENGINES,
  PACKED_FILES,
  PAPER_HYPERPARAMETERS,
  TINY_MODEL,
  environmentVerdict,
  launchCommand,
  launchPlan,
  probeTrainingEnvironment,
  runLaunchScript,
  writeLaunchFiles,
  type Engine,
  type LaunchPlan,
  type PrepareManifest,
  type TrainingEnvironment,
} from '../../train/index.js';
import { positiveInteger, positiveNumber, runCommand } from '../run-command.js';

interface LaunchFlags {
  readonly model: string;
  readonly tokenizer?: string;
  readonly outputDir: string;
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

function readManifest(dataDir: string): PrepareManifest {
  const path = join(dataDir, PACKED_FILES.manifest);
  if (!existsSync(path)) throw new MathcoderError('input', `${dataDir} has no ${PACKED_FILES.manifest}: run \`mathcoder train prepare\` first`);
  return JSON.parse(readFileSync(path, 'utf8')) as PrepareManifest;
}

function describeEnvironment(environment: TrainingEnvironment, plan: LaunchPlan): string[] {
  if (environment.problem) return [`environment: ${environment.problem}`];
  const found = Object.entries(environment.modules)
    .filter(([, version]) => version)
    .map(([name, version]) => `${name} ${version}`);
  const verdict = environmentVerdict(environment, plan);
  const lines = [`environment: ${environment.python} (Python ${environment.version}), ${environment.gpus} GPU(s) visible; ${found.join(', ') || 'no training packages'}`];
  if (verdict.missing.length > 0) lines.push(`missing: ${verdict.missing.join(', ')} (pip install ${verdict.missing.join(' ')})`);
  if (verdict.optionalMissing.includes('flash_attn')) lines.push('note: flash_attn is not installed: attention uses sdpa with a block-diagonal mask per packed row (slower, same result)');
  return lines;
}

function describePlan(plan: LaunchPlan, manifest: PrepareManifest): string[] {
  const { options } = plan;
  const ids = Object.values(manifest.tokenizer.specialTokenIds);
  const engine = options.model === TINY_MODEL ? 'plain PyTorch on one device' : options.engine === 'deepspeed' ? `DeepSpeed ZeRO-3${options.offloadOptimizer ? ' (optimizer offloaded to CPU)' : ''}` : 'FSDP full shard';
  return [
    `model: ${options.model} on ${options.nodes} node(s) × ${options.gpusPerNode} GPU(s), ${engine}${options.model === TINY_MODEL ? '' : ', bf16'}${options.gradientCheckpointing && options.model !== TINY_MODEL ? ', gradient checkpointing' : ''}`,
    `batch: global ${options.globalBatch} = per-device ${options.perDeviceBatch} × gradient accumulation ${plan.gradientAccumulation} × ${plan.worldSize} GPU(s); packed rows of up to ${plan.contextLength} tokens, position ids restart per sample`,
    `schedule: lr ${options.learningRate}, cosine, ${options.warmupSteps} warm-up steps, ${options.epochs} epochs of ${plan.packedRows} packed rows ≈ ${plan.totalSteps} optimizer steps (${plan.stepsPerEpoch} per epoch)`,
    `new tokens: ${Object.keys(manifest.tokenizer.specialTokenIds).join('')} at ids ${Math.min(...ids)}-${Math.max(...ids)}, embedding rows set to the mean of the old rows by token id`,
    ...(options.warmupSteps >= plan.totalSteps ? [`note: the ${options.warmupSteps} warm-up steps are not shorter than the whole run (${plan.totalSteps} steps): the learning rate never reaches its peak`] : []),
    `data: ${options.dataDir} (${manifest.stats.samples} samples, ${manifest.stats.tokens} tokens, ${(100 * manifest.stats.trainedShare).toFixed(1)}% trained, loss ${manifest.options.lossPolicy}), output: ${options.outputDir}`,
  ];
}

export function registerTrainLaunchCommand(train: Command): void {
  train
    .command('launch')
    .description("write (and with --run start) a fine-tuning job on a prepared folder: accelerate + DeepSpeed ZeRO-3 or FSDP, preset to the paper's hyperparameters")
    .argument('<data-dir>', 'folder written by `mathcoder train prepare`')
    .requiredOption('--model <path-or-id>', `base model (Llama-2 / CodeLlama path or Hugging Face id), or ${TINY_MODEL} (a small plain-PyTorch model, CPU)`)
    .option('--tokenizer <path-or-id>', 'the base model tokenizer, when not in --model')
    .requiredOption('--output-dir <dir>', 'checkpoints, metrics.jsonl and the launch files (in launch/)')
    .option('--engine <engine>', 'deepspeed (ZeRO-3, as the paper) or fsdp', (value) => {
      if (!(ENGINES as readonly string[]).includes(value)) throw new InvalidArgumentError(`--engine must be one of ${ENGINES.join(', ')}.`);
      return value as Engine;
    }, 'deepspeed')
    .option('--gpus <n>', 'GPUs per node', positiveInteger('--gpus'), 8)
    .option('--nodes <n>', 'nodes', positiveInteger('--nodes'), 1)
    .option('--main-process-ip <address>', 'address of node 0 (several nodes)')
    .option('--main-process-port <port>', 'port of node 0', positiveInteger('--main-process-port'), 29500)
    .option('--per-device-batch <n>', 'packed rows per GPU per forward pass', positiveInteger('--per-device-batch'), 4)
    .option('--global-batch <n>', 'packed rows per optimizer step', positiveInteger('--global-batch'), PAPER_HYPERPARAMETERS.globalBatch)
    .option('--epochs <n>', 'epochs', positiveNumber('--epochs'), PAPER_HYPERPARAMETERS.epochs)
    .option('--learning-rate <lr>', 'peak learning rate', positiveNumber('--learning-rate'), PAPER_HYPERPARAMETERS.learningRate)
    .option('--warmup-steps <n>', 'linear warm-up steps', positiveInteger('--warmup-steps'), PAPER_HYPERPARAMETERS.warmupSteps)
    .option('--max-steps <n>', 'stop after n optimizer steps', positiveInteger('--max-steps'))
    .option('--no-gradient-checkpointing', 'keep activations (faster, more memory)')
    .option('--offload-optimizer', 'offload optimizer state to CPU (34B/70B on 80 GB GPUs)')
    .option('--python <path>', 'Python with torch, transformers, accelerate and deepspeed (default: MATHCODER_TRAIN_PYTHON, python3)')
    .option('--dry-run', 'print the resolved plan and the environment check; write and start nothing')
    .option('--run', 'start training after writing the launch files (on this node)')
    .action((dataDir: string, flags: LaunchFlags) =>
      runCommand(async () => {
        const manifest = readManifest(dataDir);
        const outputDir = resolve(flags.outputDir);
        const plan = launchPlan(
          {
            dataDir: resolve(dataDir),
            model: flags.model,
            ...(flags.tokenizer ? { tokenizer: flags.tokenizer } : {}),
            outputDir,
            engine: flags.engine,
            gpusPerNode: flags.gpus,
            nodes: flags.nodes,
            ...(flags.mainProcessIp ? { mainProcessIp: flags.mainProcessIp } : {}),
            mainProcessPort: flags.mainProcessPort,
            perDeviceBatch: flags.perDeviceBatch,
            globalBatch: flags.globalBatch,
            epochs: flags.epochs,
            learningRate: flags.learningRate,
            warmupSteps: flags.warmupSteps,
            ...(flags.maxSteps ? { maxSteps: flags.maxSteps } : {}),
            gradientCheckpointing: flags.gradientCheckpointing,
            offloadOptimizer: flags.offloadOptimizer ?? false,
            python: flags.python ?? process.env.MATHCODER_TRAIN_PYTHON ?? 'python3',
          },
          manifest,
        );
        const environment = probeTrainingEnvironment(plan.options.python);
        for (const line of [...describePlan(plan, manifest), ...describeEnvironment(environment, plan)]) console.log(line);
        const launchDir = join(outputDir, 'launch');
        if (flags.dryRun) {
          console.log(`command (in ${launchDir}): ${launchCommand(plan).join(' ')}`);
          return;
        }
        const verdict = environmentVerdict(environment, plan);
        if (flags.run && (environment.problem || verdict.missing.length > 0)) {
          throw new MathcoderError('python-missing', `cannot start training with ${plan.options.python}: ${environment.problem ?? `missing ${verdict.missing.join(', ')} (pip install ${verdict.missing.join(' ')})`}; or name another interpreter with --python`);
        }
        writeLaunchFiles(plan, launchDir);
        console.log(`wrote ${launchDir}/ (launch.sh, accelerate.yaml, deepspeed_zero3.json, plan.json, mathcoder_sft.py)`);
        if (!flags.run) {
          console.log(`start it with: bash ${join(launchDir, 'launch.sh')}${plan.options.nodes > 1 ? ' (on every node, NODE_RANK=0..' + (plan.options.nodes - 1) + ')' : ''}`);
          return;
        }
        await runLaunchScript(launchDir, process.env);
      }),
    );
}
