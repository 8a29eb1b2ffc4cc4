import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

/** Runs launch.sh with the terminal attached; a non-zero exit is an error. */
export async function runLaunchScript(launchDir: string, environment: Record<string, string | undefined>): Promise<void> {
  const child = spawn('bash', [join(launchDir, 'launch.sh')], { stdio: 'inherit', env: environment });
  const code = await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (status, signal) => resolve(status ?? (signal ? 128 : 1)));
  });
  if (code !== 0) throw new MathcoderError('train', `training exited with code ${code} (see its output above; the launch files are in ${launchDir})`);
}
