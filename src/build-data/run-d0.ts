import { join } from 'node:path';
import { latestRows } from '../eval/eval-row.js';
import { ResultsFile } from '../eval/results-file.js';
import type { ModelIdentity } from '../eval/run-manifest.js';
import { createGraders, gradeAnswer, trajectorySolution } from '../grade/grade-answer.js';
import { SymbolicChecker } from '../grade/strict/symbolic-checker.js';
import type { ModelBackend } from '../llm/create-backend.js';
import { forEachConcurrent } from '../util/concurrency.js';
import { d0Reason, gradesOf, parseD0Row, type D0Row } from './d0-row.js';
import { d0Stats, type D0Stats, type Prices } from './d0-stats.js';
import { d0StatsMarkdown } from './stats-report.js';
import type { SeedProblem } from './seed-problem.js';
import { attemptFault, attemptKey, solveAttempt, type SamplingSettings, type SolveSettings } from './solution-attempt.js';
import { prepareStageManifest } from './stage-manifest.js';
import { writeFileAtomically, writeJsonAtomically } from '../util/atomic-file.js';
import { StageRunControl, prepareStageFolder, type StageOutcome, type StageProgress, type StageRunOptions } from './stage-run.js';
import { modelReference, trainingExample, type TrainPrompt, type TrainingExample } from './training-example.js';

/**
 * `data d0`: the teacher solves each seed problem `samples` times in the sandbox, K attempts at once; each
 * attempt is graded against the reference (both graders; the strict one decides) and appended to attempts.jsonl as
 * it finishes. Run again, the stage skips what is done and redoes what the server could not finish. At the end
 * (also when interrupted) kept.jsonl (the kept solutions as training examples) and the stats are rewritten from
 * the attempts.
 */
export const D0_FILES = { attempts: 'attempts.jsonl', kept: 'kept.jsonl', stats: 'stats.json', report: 'stats.md', manifest: 'manifest.json' } as const;

export interface D0Config {
  /** Solutions asked per seed problem; sample s uses seed + s. */
  readonly samples: number;
  readonly concurrency: number;
  readonly sampling: SamplingSettings;
  readonly solve: SolveSettings;
  readonly train: TrainPrompt;
  readonly prices: Prices;
}

export interface RunD0Options extends StageRunOptions<StageProgress> {
  readonly config: D0Config;
  readonly teacher: ModelBackend;
  readonly teacherIdentity: ModelIdentity;
}

export interface D0Outcome extends StageOutcome {
  readonly stats: D0Stats;
}

export function d0Examples(rows: readonly D0Row[], config: D0Config, teacher: ModelIdentity): TrainingExample[] {
  const seedOrder = new Map<string, number>();
  for (const row of rows) if (!seedOrder.has(row.id)) seedOrder.set(row.id, seedOrder.size);
  return rows
    .filter((row) => row.status === 'done' && row.kept)
    .sort((a, b) => seedOrder.get(a.id)! - seedOrder.get(b.id)! || a.sample - b.sample)
    .map((row) =>
      trainingExample({
        attempt: row,
        source: row.source,
        reference: row.reference,
        answer: row.grades.strict?.answer ?? row.answer ?? '',
        ...(row.level === undefined ? {} : { level: row.level }),
        ...(row.subject === undefined ? {} : { subject: row.subject }),
        train: config.train,
        model: modelReference('teacher', teacher),
        settings: config,
        stage: 'd0',
        seedProblems: [row.id],
      }),
    );
}

export async function runD0(options: RunD0Options): Promise<D0Outcome> {
  const { config, outDir } = options;
  prepareStageFolder(outDir);
  prepareStageManifest(
    join(outDir, D0_FILES.manifest),
    {
      stage: 'd0',
      command: options.command,
      config: { ...config },
      resultAffecting: { sampling: config.sampling, solve: config.solve },
      models: { teacher: options.teacherIdentity },
      inputs: options.inputs,
      sandbox: options.sandbox.info,
    },
    options.force ?? false,
  );
  const opened = ResultsFile.open(join(outDir, D0_FILES.attempts), { parseRow: parseD0Row });
  const results = opened.file;
  const previous = new Map(latestRows(opened.rows).map((row) => [row.key, row]));

  const items: Array<{ seed: SeedProblem; sample: number }> = [];
  const tally = { done: 0, total: 0, kept: 0, failed: 0 };
  for (const seed of options.seeds) {
    for (let sample = 0; sample < config.samples; sample += 1) {
      tally.total += 1;
      const earlier = previous.get(attemptKey(seed.id, sample));
      if (earlier?.status === 'done') {
        tally.done += 1;
        if (earlier.kept) tally.kept += 1;
      } else {
        items.push({ seed, sample });
      }
    }
  }
  const skipped = tally.done;
  options.onStart?.({ total: tally.total, alreadyDone: tally.done, alreadyKept: tally.kept });

  const checker = new SymbolicChecker(() => options.sandbox.createSession());
  const graders = { gsm8k: Object.values(createGraders({ checker, dataset: 'gsm8k' })), math: Object.values(createGraders({ checker, dataset: 'math' })) };
  const control = new StageRunControl(options.signal, options.maxConsecutiveFailures);
  let written = 0;
  try {
    await forEachConcurrent(items, config.concurrency, async ({ seed, sample }) => {
      if (control.stopped) return;
      const { record } = await solveAttempt(seed, sample, options.teacher, options.sandbox, config, control.signal);
      if (record.stop_reason === 'aborted' && control.stopped) return;
      const solution = trajectorySolution(record.blocks, record.stop_reason === 'finished', record.completion);
      const grades = gradesOf(await gradeAnswer(seed.answer, solution, graders[seed.source], { question: seed.question, dataset: seed.source }));
      const failed = record.status === 'failed';
      const reason = failed ? 'failed' : d0Reason(attemptFault(record), grades.strict.correct);
      const row: D0Row = {
        ...record,
        source: seed.source,
        ...(seed.level === undefined ? {} : { level: seed.level }),
        ...(seed.subject === undefined ? {} : { subject: seed.subject }),
        reference: seed.answer,
        grades,
        kept: reason === 'kept',
        reason,
      };
      results.append(row);
      written += 1;
      if (failed) {
        tally.failed += 1;
        control.failed(record.error ?? record.stop_reason);
      } else {
        control.succeeded();
        tally.done += 1;
        if (row.kept) tally.kept += 1;
      }
      options.onProgress?.({ ...tally });
    });
  } finally {
    control.dispose();
    results.close();
    await checker.close();
  }

  const rows = latestRows(ResultsFile.read(join(outDir, D0_FILES.attempts), parseD0Row).rows);
  const keptPath = join(outDir, D0_FILES.kept);
  writeFileAtomically(keptPath, d0Examples(rows, config, options.teacherIdentity).map((example) => JSON.stringify(example) + '\n').join(''));
  const stats = d0Stats(rows, config.prices);
  writeJsonAtomically(join(outDir, D0_FILES.stats), stats);
  writeFileAtomically(join(outDir, D0_FILES.report), d0StatsMarkdown(stats, outDir));
  return { written, skipped, failed: tally.failed, repairedBytes: opened.truncatedBytes, stoppedEarly: control.stoppedEarly, keptPath, stats };
}
