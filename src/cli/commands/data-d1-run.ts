import { join, resolve } from 'node:path';
import { D1_FILES, runD1 } from '../../build-data/run-d1.js';
import { d1StatsMarkdown } from '../../build-data/stats-report.js';
import { connectModel } from './data-model-connect.js';
import { roleFlags, type ModelRole } from './data-model-flags.js';
import type { StageSeeds } from './data-seeds.js';
import { prices, runStage, samplingSettings, solveSettings, trainPrompt, withModels } from './data-stage-run.js';
import type { D1Flags } from './data-d1.js';

/** `mathcoder data d1`, its input and seeds checked: connects the teacher and the student, then runs the stage. */
export async function runD1Stage(flags: D1Flags & Record<string, unknown>, { seeds, input }: StageSeeds): Promise<void> {
  const outDir = resolve(flags.out);
  const manifestPath = join(outDir, D1_FILES.manifest);
  const teacherFlags = roleFlags(flags, 'teacher');
  const studentFlags = roleFlags(flags, 'student');
  const connect = (role: ModelRole) => () => connectModel(role, role === 'teacher' ? teacherFlags : studentFlags, flags, { manifestPath, sequences: flags.concurrency });
  const judge = Boolean(flags.judge || flags.judgeFilter);
  await withModels([connect('teacher'), connect('student')], ([teacher, student]) =>
    runStage(
      'd1',
      'problems',
      flags,
      (hooks) =>
        runD1({
          ...hooks,
          outDir,
          seeds,
          inputs: [input],
          config: {
            problems: flags.problems,
            pairSeed: flags.pairSeed,
            concurrency: flags.concurrency,
            interpolation: { maxTokens: flags.interpolationMaxTokens, temperature: flags.interpolationTemperature, topP: 1, seed: flags.seed },
            teacherSyntax: teacherFlags.syntax,
            judge: { enabled: judge, filter: Boolean(flags.judgeFilter), maxTokens: 256 },
            samples: flags.samples,
            keep: flags.keep,
            sampling: samplingSettings(flags),
            solve: solveSettings(flags, studentFlags.syntax),
            train: trainPrompt(flags),
            prices: prices(flags),
          },
          teacher: teacher!.backend,
          teacherIdentity: teacher!.identity,
          student: student!.backend,
          studentIdentity: student!.identity,
        }),
      (outcome) => d1StatsMarkdown(outcome.stats, outDir),
    ),
  );
}
