import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MathcoderError } from '../../errors.js';
import { discoverPython } from '../../sandbox/python-discovery.js';
import { launchCommand } from '../../train/launch-files.js';
import { TINY_MODEL, launchPlan, type LaunchPlan } from '../../train/launch-plan.js';
import { runLaunchScript, writeLaunchFiles, type TrainingStep } from '../../train/launch.js';
import type { PrepareManifest } from '../../train/prepare.js';
import { PACKED_FILES } from '../../train/train-choices.js';
import { environmentVerdict, probeTrainingEnvironment, type TrainingEnvironment } from '../../train/training-environment.js';
import { createProgress, type ProgressReporter } from '../../util/progress.js';
import { launchOutput, type LaunchFlags } from './train-launch.js';

/**
 * The training interpreter: --python, else MATHCODER_TRAIN_PYTHON, else the one the sandbox finds (MATHCODER_PYTHON,
 * /usr/bin/python3, python3 on PATH: where the set-up installed torch), else python3.
 */
export function trainingPython(flag: string | undefined): string {
  const named = flag ?? process.env.MATHCODER_TRAIN_PYTHON;
  if (named) return named;
  try {
    const sandboxPython = process.env.MATHCODER_PYTHON;
    return discoverPython({ ...(sandboxPython ? { python: sandboxPython } : {}), ...(process.env.PATH === undefined ? {} : { path: process.env.PATH }) }).executable;
  } catch {
    return 'python3';
  }
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

function describeEnvironment(environment: TrainingEnvironment, plan: LaunchPlan): string[] {
  if (environment.problem) return [`environment: ${environment.problem}`];
  const found = Object.entries(environment.modules)
    .filter(([, version]) => version)
    .map(([name, version]) => `${name} ${version}`);
  const verdict = environmentVerdict(environment, plan);
  const lines = [`environment: ${environment.python} (Python ${environment.version}), ${plural(environment.gpus, 'GPU')} visible; ${found.join(', ') || 'no training packages'}`];
  if (verdict.missing.length > 0) lines.push(`missing: ${verdict.missing.join(', ')} (pip install ${verdict.missing.join(' ')})`);
  if (verdict.optionalMissing.includes('flash_attn')) lines.push('note: flash_attn is not installed: attention uses sdpa with a block-diagonal mask per packed row (slower, same result)');
  return lines;
}

function describePlan(plan: LaunchPlan, manifest: PrepareManifest): string[] {
  const { options } = plan;
  const tiny = options.model === TINY_MODEL;
  const ids = Object.values(manifest.tokenizer.specialTokenIds);
  const where = tiny
    ? "this machine's CPU (one process, plain PyTorch)"
    : `${plural(options.nodes, 'node')} × ${plural(options.gpusPerNode, 'GPU')}, ${options.engine === 'deepspeed' ? `DeepSpeed ZeRO-3${options.offloadOptimizer ? ' (optimizer offloaded to CPU)' : ''}` : 'FSDP full shard'}, bf16${options.gradientCheckpointing ? ', gradient checkpointing' : ''}`;
  const devices = tiny ? '1 process' : plural(plan.worldSize, 'GPU');
  return [
    `model: ${options.model} on ${where}`,
    `batch: global ${options.globalBatch} = per-device ${options.perDeviceBatch} × gradient accumulation ${plan.gradientAccumulation} × ${devices}; packed rows of up to ${plan.contextLength} tokens, position ids restart per sample`,
    `schedule: lr ${options.learningRate}, cosine, ${options.warmupSteps} warm-up steps, ${options.epochs} epochs of ${plan.packedRows} packed rows ≈ ${plan.totalSteps} optimizer steps (${plan.stepsPerEpoch} per epoch)`,
    `new tokens: ${Object.keys(manifest.tokenizer.specialTokenIds).join('')} at ids ${Math.min(...ids)}-${Math.max(...ids)}, embedding rows set to the mean of the old rows by token id`,
    ...(options.warmupSteps >= plan.totalSteps ? [`note: the ${options.warmupSteps} warm-up steps are not shorter than the whole run (${plan.totalSteps} steps): the learning rate never reaches its peak`] : []),
    `data: ${options.dataDir} (${manifest.stats.samples} samples, ${manifest.stats.tokens} tokens, ${(100 * manifest.stats.trainedShare).toFixed(1)}% trained, loss ${manifest.options.lossPolicy}), output: ${options.outputDir}`,
  ];
}

/** Training steps as a progress bar (or lines): step/total, loss and tokens per second. */
function stepProgress(totalSteps: number): { onStep: (step: TrainingStep) => void; stop: () => void } {
  const bar: ProgressReporter = createProgress({ label: 'train', total: totalSteps, unit: 'steps', fieldNames: ['loss', 'tokens/s'] });
  return {
    onStep: (step) => {
      const rate = step.tokens !== null && step.elapsedSeconds ? Math.round(step.tokens / step.elapsedSeconds) : null;
      bar.update(step.step, { loss: step.loss.toFixed(4), 'tokens/s': rate === null ? '-' : String(rate) });
    },
    stop: () => bar.stop(),
  };
}

/** `mathcoder train launch`, its input checked: the plan, the environment check, the launch files, and training with --run. */
export async function runLaunch(dataDir: string, flags: LaunchFlags): Promise<void> {
  const manifest = JSON.parse(readFileSync(join(dataDir, PACKED_FILES.manifest), 'utf8')) as PrepareManifest;
  const outputDir = resolve(launchOutput(flags));
  const plan = launchPlan(
    {
      dataDir: resolve(dataDir),
      model: flags.model,
      ...(flags.tokenizer ? { tokenizer: flags.tokenizer } : {}),
      outputDir,
      engine: flags.engine,
      gpusPerNode: flags.model === TINY_MODEL ? 1 : flags.gpus,
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
      python: trainingPython(flags.python),
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
  const progress = stepProgress(plan.totalSteps);
  try {
    await runLaunchScript(launchDir, process.env, { onStep: progress.onStep, onLine: (line) => process.stdout.write(`${line}\n`) });
  } finally {
    progress.stop();
  }
}
