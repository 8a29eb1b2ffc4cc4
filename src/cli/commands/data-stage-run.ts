import type { Prices } from '../../build-data/d0-stats.js';
import type { SamplingSettings, SolveSettings } from '../../build-data/solution-attempt.js';
import type { StageOutcome, StageProgress } from '../../build-data/stage-run.js';
import type { TrainPrompt } from '../../build-data/training-example.js';
import { MathcoderError } from '../../errors.js';
import { SYSTEM_PROMPTS } from '../../format/prompt.js';
import type { SyntaxName } from '../../format/syntax-names.js';
import type { PythonSandbox } from '../../sandbox/python-sandbox.js';
import { createProgress, type ProgressReporter } from '../../util/progress.js';
import { cellTimeoutMs, promptSettings } from '../dialect-settings.js';
import { startSandbox } from '../sandbox-start.js';
import { solveLimits } from '../solve-flags.js';
import type { ConnectedModel } from './data-model-connect.js';
import type { StageFlags } from './data-flags.js';

/** What d0 and d1 share when they run: settings from the flags, the seeds, the models, the sandbox and the progress. */

export function solveSettings(flags: StageFlags, syntax: SyntaxName): SolveSettings {
  return {
    syntax,
    ...promptSettings(flags, syntax),
    chatSystem: null,
    ...solveLimits(flags),
    cellTimeoutMs: cellTimeoutMs(flags, syntax),
  };
}

export function samplingSettings(flags: StageFlags): SamplingSettings {
  return { temperature: flags.temperature, topP: flags.topP, seed: flags.seed };
}

export function trainPrompt(flags: StageFlags): TrainPrompt {
  return { system: SYSTEM_PROMPTS[flags.system ?? 'data'], querySuffix: '\n' };
}

export function prices(flags: StageFlags): Prices {
  return { promptPerMillion: flags.pricePrompt, completionPerMillion: flags.priceCompletion };
}

/** A progress bar (or lines) for a stage: this invocation's work, with the kept count and failures. */
function stageProgress(label: string, unit: string): { start: (plan: { total: number; alreadyDone: number; alreadyKept: number }) => void; update: (progress: StageProgress) => void; stop: () => void } {
  let bar: ProgressReporter | null = null;
  let baseline = 0;
  return {
    start(plan) {
      baseline = plan.alreadyDone;
      if (plan.alreadyDone > 0) process.stderr.write(`${label}: ${plan.alreadyDone} of ${plan.total} ${unit} already done (${plan.alreadyKept} kept), resuming\n`);
      bar = createProgress({ label, total: plan.total - plan.alreadyDone, unit, fieldNames: ['kept', 'failed'] });
    },
    update(progress) {
      bar?.update(progress.done - baseline + progress.failed, { kept: String(progress.kept), failed: String(progress.failed) });
    },
    stop: () => bar?.stop(),
  };
}

/** Connects the models in turn and closes every one connected, whatever happens. */
export async function withModels<T>(connectors: ReadonlyArray<() => Promise<ConnectedModel>>, work: (models: ConnectedModel[]) => Promise<T>): Promise<T> {
  const models: ConnectedModel[] = [];
  try {
    for (const connect of connectors) models.push(await connect());
    return await work(models);
  } finally {
    for (const model of models.reverse()) await model.backend.close();
  }
}

export interface StageHooks<Progress extends StageProgress> {
  readonly sandbox: PythonSandbox;
  readonly command: readonly string[];
  readonly force?: true;
  readonly onStart: (plan: { total: number; alreadyDone: number; alreadyKept: number }) => void;
  readonly onProgress: (progress: Progress) => void;
  readonly signal: AbortSignal;
}

/**
 * Runs a stage the way both d0 and d1 do: a sandbox, a progress display, Ctrl-C stopping it cleanly (what is
 * done stays; the same command resumes), then its stats on standard output and a summary on standard error.
 */
export async function runStage<Progress extends StageProgress, Outcome extends StageOutcome>(
  stage: string,
  unit: string,
  flags: StageFlags,
  run: (hooks: StageHooks<Progress>) => Promise<Outcome>,
  report: (outcome: Outcome) => string,
): Promise<void> {
  const sandbox = await startSandbox(flags, { poolSize: Math.min(flags.concurrency, 2) });
  try {
    const progress = stageProgress(stage, unit);
    const interrupt = new AbortController();
    const onSignal = () => interrupt.abort();
    process.once('SIGINT', onSignal);
    let outcome: Outcome;
    try {
      outcome = await run({
        sandbox,
        command: process.argv.slice(2),
        ...(flags.force ? { force: true as const } : {}),
        onStart: (plan) => progress.start(plan),
        onProgress: (update) => progress.update(update),
        signal: interrupt.signal,
      });
    } finally {
      process.off('SIGINT', onSignal);
      progress.stop();
    }
    process.stdout.write(report(outcome));
    reportStageOutcome(stage, outcome, unit);
  } finally {
    await sandbox.close();
  }
}

function reportStageOutcome(stage: string, outcome: StageOutcome, unit: string): void {
  process.stderr.write(
    `${stage}: ${outcome.written} ${unit} written, ${outcome.skipped} already done${outcome.failed ? `, ${outcome.failed} failed at the server (redone on resume)` : ''}; kept examples: ${outcome.keptPath}\n`,
  );
  if (outcome.repairedBytes > 0) process.stderr.write(`a row cut short by an earlier crash (${outcome.repairedBytes} bytes) was removed and redone\n`);
  if (outcome.stoppedEarly) throw new MathcoderError('data', `${stage} stopped early: ${outcome.stoppedEarly}; the rows so far are kept, run the same command again to resume`);
}
