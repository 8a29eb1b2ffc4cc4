import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { MathcoderError } from '../errors.js';
import { PYTHON_DIR, PYTHON_FILES, accelerateConfig, deepSpeedConfig, launchScript } from './launch-files.js';
import type { LaunchPlan } from './launch-plan.js';

/** Writes the launch folder: the entry point, accelerate.yaml, deepspeed_zero3.json, launch.sh and plan.json. */
export function writeLaunchFiles(plan: LaunchPlan, launchDir: string): string[] {
  mkdirSync(launchDir, { recursive: true });
  for (const file of PYTHON_FILES) copyFileSync(join(PYTHON_DIR, file), join(launchDir, file));
  const written: Array<[string, string]> = [
    ['accelerate.yaml', accelerateConfig(plan)],
    ['deepspeed_zero3.json', JSON.stringify(deepSpeedConfig(plan), null, 2) + '\n'],
    ['launch.sh', launchScript(plan)],
    ['plan.json', JSON.stringify(plan, null, 2) + '\n'],
  ];
  for (const [name, text] of written) writeFileSync(join(launchDir, name), text);
  chmodSync(join(launchDir, 'launch.sh'), 0o755);
  return [...PYTHON_FILES, ...written.map(([name]) => name)].map((name) => join(launchDir, name));
}

/** One optimizer step as the entry point prints it (a JSON line on its standard output, also in metrics.jsonl). */
export interface TrainingStep {
  readonly step: number;
  /** The run's optimizer steps, when the trainer knows them. */
  readonly totalSteps: number | null;
  readonly loss: number;
  readonly learningRate: number | null;
  /** Tokens trained on so far (all processes), and the seconds since training started. */
  readonly tokens: number | null;
  readonly elapsedSeconds: number | null;
}

/** A line of the entry point's output read as a training step, or null for any other line. */
export function parseTrainingStep(line: string): TrainingStep | null {
  if (!line.startsWith('{')) return null;
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
  const number = (key: string) => (typeof value[key] === 'number' && Number.isFinite(value[key]) ? (value[key] as number) : null);
  const step = number('step');
  const loss = number('loss');
  if (step === null || loss === null) return null;
  return { step, totalSteps: number('total_steps'), loss, learningRate: number('lr'), tokens: number('tokens'), elapsedSeconds: number('elapsed') };
}

export interface LaunchWatch {
  /** Each training step, as it is logged. */
  readonly onStep: (step: TrainingStep) => void;
  /** Every other line of the entry point's standard output. */
  readonly onLine: (line: string) => void;
}

/**
 * Runs launch.sh; a non-zero exit is an error. Without `watch` the terminal is attached; with it, the standard
 * output is read line by line (training steps to `onStep`, the rest to `onLine`) and standard error stays attached.
 */
export async function runLaunchScript(launchDir: string, environment: Record<string, string | undefined>, watch?: LaunchWatch): Promise<void> {
  const child = spawn('bash', [join(launchDir, 'launch.sh')], { stdio: ['inherit', watch ? 'pipe' : 'inherit', 'inherit'], env: environment });
  if (watch) {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const step = parseTrainingStep(line);
      if (step) watch.onStep(step);
      else watch.onLine(line);
    });
  }
  const code = await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status, signal) => resolve(status ?? (signal ? 128 : 1)));
  });
  if (code !== 0) throw new MathcoderError('train', `training exited with code ${code} (see its output above; the launch files are in ${launchDir})`);
}
