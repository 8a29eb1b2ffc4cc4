import { join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { D1_FILES, runD1 } from '../../build-data/run-d1.js';
import { d1StatsMarkdown } from '../../build-data/stats-report.js';
import { positiveInteger, runCommand } from '../run-command.js';
import { addModelFlags, addSharedModelFlags, connectModel, roleFlags, type SharedModelFlags } from './data-model-flags.js';
import { nonNegativeInteger, nonNegativeNumber } from '../run-command.js';
import { addStageFlags, prices, readSeeds, runStage, samplingSettings, solveSettings, trainPrompt, withModels, type StageFlags } from './data-flags.js';

interface D1Flags extends StageFlags, SharedModelFlags {
  readonly problems: number;
  readonly pairSeed: number;
  readonly interpolationTemperature: number;
  readonly interpolationMaxTokens: number;
  readonly judge?: boolean;
  readonly judgeFilter?: boolean;
  readonly keep: 'one' | 'all';
}

export function registerDataD1Command(data: Command): void {
  const command = data
    .command('d1')
    .description("D1: the teacher interpolates new problems between random (GSM8K, MATH) pairs with the paper's prompt; the student solves each n times; a problem is kept when all n answers agree")
    .option('--problems <n>', '(GSM8K, MATH) pairs to interpolate', positiveInteger('--problems'), 100)
    .option('--pair-seed <n>', 'seed of the random pairs', nonNegativeInteger('--pair-seed'), 0)
    .option('--interpolation-temperature <t>', "the teacher's sampling temperature for new problems", nonNegativeNumber('--interpolation-temperature'), 0.7)
    .option('--interpolation-max-tokens <n>', 'longest new problem (a reply cut there is dropped as truncated)', positiveInteger('--interpolation-max-tokens'), 1024)
    .option('--judge', "ask the teacher, with the paper's judge prompt, whether each new problem is harder than its GSM8K source and easier than its MATH one (kept as metadata)")
    .option('--judge-filter', 'keep only new problems judged harder than the GSM8K source and easier than the MATH source (implies --judge)')
    .addOption(new Option('--keep <which>', 'which of the n agreeing solutions become training examples').choices(['one', 'all']).default('all'));
  addSharedModelFlags(addModelFlags(addModelFlags(addStageFlags(command, { samples: 3, temperature: 0.7 }), 'teacher'), 'student')).action((flags: D1Flags & Record<string, unknown>) =>
    runCommand(async () => {
      const outDir = resolve(flags.out);
      const manifestPath = join(outDir, D1_FILES.manifest);
      const teacherFlags = roleFlags(flags, 'teacher');
      const studentFlags = roleFlags(flags, 'student');
      const { seeds, input } = await readSeeds(flags.seeds);
      const connect = (role: 'teacher' | 'student') => () =>
        connectModel(role, role === 'teacher' ? teacherFlags : studentFlags, flags, { command: 'd1', manifestPath, sequences: flags.concurrency });
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
    }),
  );
}
