import { MathcoderError } from '../errors.js';
import type { PrepareManifest } from './prepare.js';

/** The paper's recipe (SPEC 1.6): lr 2e-5, global batch 128, 3 epochs, cosine, 50 warm-up steps, 2048 context, bf16. */
export const PAPER_HYPERPARAMETERS = {
  learningRate: 2e-5,
  globalBatch: 128,
  epochs: 3,
  scheduler: 'cosine',
  warmupSteps: 50,
  contextLength: 2048,
} as const;

export const ENGINES = ['deepspeed', 'fsdp'] as const;
export type Engine = (typeof ENGINES)[number];

/** The model name that trains the plain-PyTorch tiny Llama of the entry point (CPU checks, no transformers). */
export const TINY_MODEL = 'tiny-llama';

export interface LaunchOptions {
  readonly dataDir: string;
  readonly model: string;
  readonly tokenizer?: string;
  readonly outputDir: string;
  readonly engine: Engine;
  readonly gpusPerNode: number;
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
  readonly offloadOptimizer: boolean;
  readonly python: string;
}

export interface LaunchPlan {
  readonly options: LaunchOptions;
  readonly worldSize: number;
  readonly gradientAccumulation: number;
  readonly packedRows: number;
  readonly contextLength: number;
  readonly stepsPerEpoch: number;
  readonly totalSteps: number;
  /** Arguments of mathcoder_sft.py, paths relative to the launch folder. */
  readonly trainerArguments: string[];
}

/** Splits the global batch into per-device batch × gradient accumulation × GPUs, and counts the optimiser steps. */
export function launchPlan(options: LaunchOptions, manifest: PrepareManifest): LaunchPlan {
  const tiny = options.model === TINY_MODEL;
  const worldSize = tiny ? 1 : options.gpusPerNode * options.nodes;
  const perStep = options.perDeviceBatch * worldSize;
  if (options.globalBatch % perStep !== 0) {
    throw new MathcoderError(
      'input',
      `--global-batch ${options.globalBatch} is not a multiple of --per-device-batch ${options.perDeviceBatch} × ${worldSize} GPU${worldSize === 1 ? '' : 's'} (${perStep}); change one of them`,
    );
  }
  if (options.nodes > 1 && !options.mainProcessIp) throw new MathcoderError('input', `--nodes ${options.nodes} needs --main-process-ip (the address of node 0)`);
  const gradientAccumulation = options.globalBatch / perStep;
  const packedRows = manifest.stats.packedRows;
  const stepsPerEpoch = Math.max(1, Math.floor(packedRows / options.globalBatch));
  const totalSteps = options.maxSteps ?? Math.ceil(stepsPerEpoch * options.epochs);
  const trainerArguments = [
    '--data', options.dataDir,
    '--model', options.model,
    ...(options.tokenizer ? ['--tokenizer', options.tokenizer] : []),
    '--output-dir', options.outputDir,
    '--learning-rate', String(options.learningRate),
    '--epochs', String(options.epochs),
    '--per-device-batch', String(options.perDeviceBatch),
    '--gradient-accumulation', String(gradientAccumulation),
    '--warmup-steps', String(options.warmupSteps),
    '--scheduler', 'cosine',
    ...(options.maxSteps ? ['--max-steps', String(options.maxSteps)] : []),
    ...(tiny ? [] : ['--bf16']),
    ...(options.gradientCheckpointing && !tiny ? ['--gradient-checkpointing'] : []),
    ...(options.engine === 'deepspeed' && !tiny ? ['--deepspeed', 'deepspeed_zero3.json'] : []),
    '--metrics', 'metrics.jsonl',
  ];
  return { options, worldSize, gradientAccumulation, packedRows, contextLength: manifest.options.contextLength, stepsPerEpoch, totalSteps, trainerArguments };
}
