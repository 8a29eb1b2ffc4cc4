import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { D0_FILES, runD0 } from '../../build-data/run-d0.js';
import { d0StatsMarkdown } from '../../build-data/stats-report.js';
import { positiveInteger, runCommand } from '../run-command.js';
import { addModelFlags, addSharedModelFlags, connectModel, roleFlags, type SharedModelFlags } from './data-model-flags.js';
import { addStageFlags, prices, readSeeds, runStage, samplingSettings, solveSettings, trainPrompt, withModels, type StageFlags } from './data-flags.js';

interface D0Flags extends StageFlags, SharedModelFlags {
  readonly limit?: number;
}

export function registerDataD0Command(data: Command): void {
  const command = data
    .command('d0')
    .description('D0: the teacher solves each seed problem k times in the sandbox; a solution is kept when its answer equals the reference (strict grader)')
    .option('--limit <n>', 'only the first n seed problems', positiveInteger('--limit'));
  addSharedModelFlags(addModelFlags(addStageFlags(command, { samples: 4, temperature: 0.7 }), 'teacher')).action((flags: D0Flags & Record<string, unknown>) =>
    runCommand(async () => {
      const outDir = resolve(flags.out);
      const teacherFlags = roleFlags(flags, 'teacher');
      const { seeds, input } = await readSeeds(flags.seeds);
      const connect = () => connectModel('teacher', teacherFlags, flags, { command: 'd0', manifestPath: join(outDir, D0_FILES.manifest), sequences: flags.concurrency });
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
    }),
  );
}
