import { join } from 'node:path';
import { latestRows } from '../eval/eval-row.js';
import { ResultsFile } from '../eval/results-file.js';
import type { ModelIdentity } from '../eval/run-manifest.js';
import { createStrictGrader } from '../grade/strict/strict-grader.js';
import { SymbolicChecker } from '../grade/strict/symbolic-checker.js';
import type { ModelBackend } from '../llm/create-backend.js';
import { forEachConcurrent } from '../util/concurrency.js';
import { D1_FILES, type D1Config } from './d1-config.js';
import { d1Examples, readD1Rows } from './d1-examples.js';
import { D1Pipeline, type D1Files } from './d1-pipeline.js';
import { parseDecisionRow, parseInterpolationRow, parseSolutionRow } from './d1-rows.js';
import { d1Stats, type D1Stats } from './d1-stats.js';
import { interpolationPairs, type InterpolationPair } from './interpolation-pairs.js';
import { attemptKey, type AttemptRecord } from './solution-attempt.js';
import { prepareStageManifest } from './stage-manifest.js';
import { writeFileAtomically, writeJsonAtomically } from '../util/atomic-file.js';
import { StageRunControl, prepareStageFolder, type StageOutcome, type StageProgress, type StageRunOptions } from './stage-run.js';
import { d1StatsMarkdown } from './stats-report.js';

/**
 * `data d1`: problem interpolation and self-distillation (paper §2.1). For each random (GSM8K, MATH) pair the
 * teacher writes a new problem with the paper's prompt; degenerate ones are dropped with a reason; optionally the
 * teacher judges its difficulty against both sources (kept as metadata, and a filter when asked); the student
 * then solves it n times (sampled, seeded) and the problem is kept only when all n answers are equivalent
 * (strict grader). Each piece of work is appended as it finishes; run again, the stage asks nothing twice.
 */
export { D1_FILES, type D1Config } from './d1-config.js';
export { d1Examples, readD1Rows } from './d1-examples.js';

export interface D1Progress extends StageProgress {
  /** Problems dropped before solving, or whose solutions did not agree. */
  readonly dropped: number;
}

export interface RunD1Options extends StageRunOptions<D1Progress> {
  readonly config: D1Config;
  readonly teacher: ModelBackend;
  readonly teacherIdentity: ModelIdentity;
  readonly student: ModelBackend;
  readonly studentIdentity: ModelIdentity;
}

export interface D1Outcome extends StageOutcome {
  readonly stats: D1Stats;
}

export async function runD1(options: RunD1Options): Promise<D1Outcome> {
  const { config, outDir } = options;
  prepareStageFolder(outDir);
  prepareStageManifest(
    join(outDir, D1_FILES.manifest),
    {
      stage: 'd1',
      command: options.command,
      config: { ...config },
      resultAffecting: {
        pairSeed: config.pairSeed,
        interpolation: config.interpolation,
        judge: { enabled: config.judge.enabled, filter: config.judge.filter },
        samples: config.samples,
        sampling: config.sampling,
        solve: config.solve,
        seeds: options.inputs.find((input) => input.role === 'seeds')?.sha256 ?? null,
      },
      models: { teacher: options.teacherIdentity, student: options.studentIdentity },
      inputs: options.inputs,
      sandbox: options.sandbox.info,
    },
    options.force ?? false,
  );
  const opened = {
    interpolations: ResultsFile.open(join(outDir, D1_FILES.interpolations), { parseRow: parseInterpolationRow }),
    solutions: ResultsFile.open(join(outDir, D1_FILES.solutions), { parseRow: parseSolutionRow }),
    decisions: ResultsFile.open(join(outDir, D1_FILES.decisions), { parseRow: parseDecisionRow }),
  };
  const files: D1Files = { interpolations: opened.interpolations.file, solutions: opened.solutions.file, decisions: opened.decisions.file };
  const interpolations = new Map(latestRows(opened.interpolations.rows).map((row) => [row.key, row]));
  const solutionsByKey = new Map(latestRows(opened.solutions.rows).map((row) => [row.key, row]));
  const decisions = new Map(latestRows(opened.decisions.rows).map((row) => [row.key, row]));

  const pairs = interpolationPairs(options.seeds, config.problems, config.pairSeed);
  const tally = { done: 0, total: pairs.length, kept: 0, dropped: 0, failed: 0 };
  const todo: InterpolationPair[] = [];
  for (const pair of pairs) {
    const decision = decisions.get(pair.id);
    const dropped = interpolations.get(pair.id)?.dropped;
    if (decision || (dropped !== undefined && dropped !== null)) {
      tally.done += 1;
      if (decision?.decision === 'kept') tally.kept += 1;
      else tally.dropped += 1;
    } else {
      todo.push(pair);
    }
  }
  const skipped = tally.done;
  options.onStart?.({ total: tally.total, alreadyDone: tally.done, alreadyKept: tally.kept });

  const checker = new SymbolicChecker(() => options.sandbox.createSession());
  const control = new StageRunControl(options.signal, options.maxConsecutiveFailures);
  const pipeline = new D1Pipeline(options, files, createStrictGrader({ checker }), control);
  let written = 0;
  try {
    await forEachConcurrent(todo, config.concurrency, async (pair) => {
      if (control.stopped) return;
      const solutions = new Map<string, AttemptRecord>();
      for (let sample = 0; sample < config.samples; sample += 1) {
        const key = attemptKey(pair.id, sample);
        const solution = solutionsByKey.get(key);
        if (solution) solutions.set(key, solution);
      }
      const interpolation = interpolations.get(pair.id);
      const outcome = await pipeline.run(pair, { ...(interpolation ? { interpolation } : {}), solutions });
      if (outcome === null) return;
      written += 1;
      if (outcome === 'failed') tally.failed += 1;
      else {
        tally.done += 1;
        if (outcome === 'kept') tally.kept += 1;
        else tally.dropped += 1;
      }
      options.onProgress?.({ ...tally });
    });
  } finally {
    control.dispose();
    for (const file of Object.values(files)) file.close();
    await checker.close();
  }

  const keptPath = join(outDir, D1_FILES.kept);
  writeFileAtomically(keptPath, d1Examples(outDir, config, options.teacherIdentity, options.studentIdentity).map((example) => JSON.stringify(example) + '\n').join(''));
  const stats = d1Stats(readD1Rows(outDir), config);
  writeJsonAtomically(join(outDir, D1_FILES.stats), stats);
  writeFileAtomically(join(outDir, D1_FILES.report), d1StatsMarkdown(stats, outDir));
  const repairedBytes = opened.interpolations.truncatedBytes + opened.solutions.truncatedBytes + opened.decisions.truncatedBytes;
  return { written, skipped, failed: tally.failed, repairedBytes, stoppedEarly: control.stoppedEarly, keptPath, stats };
}
