import { join, resolve } from 'node:path';
import { D0_FILES, runD0 } from '../../build-data/run-d0.js';
import { d0StatsMarkdown } from '../../build-data/stats-report.js';
import { connectModel } from './data-model-connect.js';
import { roleFlags } from './data-model-flags.js';
import type { StageSeeds } from './data-seeds.js';
import { prices, runStage, samplingSettings, solveSettings, trainPrompt, withModels } from './data-stage-run.js';
import type { D0Flags } from './data-d0.js';

/** `mathcoder data d0`, its input and seeds checked: connects the teacher, then runs the stage in the sandbox. */
export async function runD0Stage(flags: D0Flags & Record<string, unknown>, { seeds, input }: StageSeeds): Promise<void> {
  const outDir = resolve(flags.out);
  const teacherFlags = roleFlags(flags, 'teacher');
  const connect = () => connectModel('teacher', teacherFlags, flags, { manifestPath: join(outDir, D0_FILES.manifest), sequences: flags.concurrency });
  await withModels([connect], ([teacher]) =>
    runStage(
      'd0',
      'attempts',
      flags,
      (hooks) =>
        runD0({
          ...hooks,
          outDir,
          seeds: flags.limit === undefined ? seeds : seeds.slice(0, flags.limit),
          inputs: [input],
          config: {
            samples: flags.samples,
            concurrency: flags.concurrency,
            sampling: samplingSettings(flags),
            solve: solveSettings(flags, teacherFlags.syntax),
            train: trainPrompt(flags),
            prices: prices(flags),
          },
          teacher: teacher!.backend,
          teacherIdentity: teacher!.identity,
        }),
      (outcome) => d0StatsMarkdown(outcome.stats, outDir),
    ),
  );
}
