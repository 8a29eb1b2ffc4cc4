import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PYTHON_DIR } from './launch-files.js';
import { TINY_MODEL, type LaunchPlan } from './launch-plan.js';

/** What the training Python has: its version and which of the training packages import. */
export interface TrainingEnvironment {
  readonly python: string;
  readonly version: string | null;
  readonly modules: Readonly<Record<string, string | null>>;
  readonly gpus: number;
  /** Why the interpreter could not be asked, when it could not. */
  readonly problem: string | null;
}

export function probeTrainingEnvironment(python: string): TrainingEnvironment {
  const run = spawnSync(python, [join(PYTHON_DIR, 'check_environment.py')], { encoding: 'utf8', timeout: 120_000 });
  if (run.error || run.status !== 0) {
    const reason = run.error ? run.error.message : (run.stderr.trim().split('\n').pop() ?? `exit code ${run.status}`);
    return { python, version: null, modules: {}, gpus: 0, problem: `${python} did not run (${reason})` };
  }
  const report = JSON.parse(run.stdout.trim().split('\n').pop()!) as { python: string; executable: string; modules: Record<string, string | null>; gpus: number };
  return { python: report.executable, version: report.python, modules: report.modules, gpus: report.gpus, problem: null };
}

export interface EnvironmentVerdict {
  /** Packages the plan cannot run without. */
  readonly missing: string[];
  /** Packages whose absence only costs speed (FlashAttention-2: a block-diagonal mask is used instead). */
  readonly optionalMissing: string[];
}

export function environmentVerdict(environment: TrainingEnvironment, plan: LaunchPlan): EnvironmentVerdict {
  const required = plan.options.model === TINY_MODEL ? ['torch'] : ['torch', 'transformers', 'accelerate', ...(plan.options.engine === 'deepspeed' ? ['deepspeed'] : [])];
  const optional = plan.options.model === TINY_MODEL ? [] : ['flash_attn'];
  const absent = (name: string): boolean => !environment.modules[name];
  return { missing: required.filter(absent), optionalMissing: optional.filter(absent) };
}
