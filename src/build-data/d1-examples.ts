import { join } from 'node:path';
import { latestRows } from '../eval/eval-row.js';
import { ResultsFile } from '../eval/results-file.js';
import type { ModelIdentity } from '../eval/run-manifest.js';
import { D1_FILES, type D1Config } from './d1-config.js';
import { parseDecisionRow, parseInterpolationRow, parseSolutionRow, type DecisionRow, type InterpolationRow } from './d1-rows.js';
import { attemptKey, type AttemptRecord } from './solution-attempt.js';
import { modelReference, trainingExample, type TrainingExample } from './training-example.js';

/** The rows of a D1 folder: the latest of each key. */
export function readD1Rows(outDir: string): { interpolations: InterpolationRow[]; solutions: AttemptRecord[]; decisions: DecisionRow[] } {
  const read = <Row extends { key: string }>(name: string, parse: (value: unknown, where: string) => Row) => latestRows(ResultsFile.read(join(outDir, name), parse).rows);
  return {
    interpolations: read(D1_FILES.interpolations, parseInterpolationRow),
    solutions: read(D1_FILES.solutions, parseSolutionRow),
    decisions: read(D1_FILES.decisions, parseDecisionRow),
  };
}

/** The training examples of a D1 folder: the usable solutions of each kept problem (one, or all), with the interpolation's provenance. */
export function d1Examples(outDir: string, config: D1Config, teacher: ModelIdentity, student: ModelIdentity): TrainingExample[] {
  const rows = readD1Rows(outDir);
  const solutions = new Map(rows.solutions.map((row) => [row.key, row]));
  const decisions = new Map(rows.decisions.map((row) => [row.key, row]));
  const examples: TrainingExample[] = [];
  for (const interpolation of [...rows.interpolations].sort((a, b) => a.index - b.index)) {
    const decision = decisions.get(interpolation.key);
    if (!decision || decision.decision !== 'kept') continue;
    const samples = config.keep === 'one' ? decision.usable.slice(0, 1) : decision.usable;
    for (const sample of samples) {
      const attempt = solutions.get(attemptKey(interpolation.key, sample));
      if (!attempt) continue;
      examples.push(
        trainingExample({
          attempt,
          source: 'interpolation',
          reference: null,
          answer: decision.answer ?? '',
          train: config.train,
          model: modelReference('student', student),
          settings: config,
          stage: 'd1',
          seedProblems: [interpolation.gsm8k.id, interpolation.math.id],
          interpolation: {
            teacher: modelReference('teacher', teacher),
            prompt: interpolation.prompt,
            reply: interpolation.reply,
            sampling: interpolation.sampling,
            judge: interpolation.judge ? { vsGsm8k: interpolation.judge.vsGsm8k.difficulty, vsMath: interpolation.judge.vsMath.difficulty } : null,
            time: interpolation.time,
          },
        }),
      );
    }
  }
  return examples;
}
