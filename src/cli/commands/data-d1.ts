import { Option, type Command } from 'commander';
import { nonNegativeInteger, nonNegativeNumber, positiveInteger, runCommand } from '../run-command.js';
import { addStageFlags, checkStageInput, type StageFlags } from './data-flags.js';
import { addModelFlags, addSharedModelFlags, type SharedModelFlags } from './data-model-flags.js';

export interface D1Flags extends StageFlags, SharedModelFlags {
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
    runCommand(
      async () => {
        const seeds = await checkStageInput(flags, 'd1', ['teacher', 'student']);
        const { runD1Stage } = await import('./data-d1-run.js');
        await runD1Stage(flags, seeds);
      },
      { outputFolders: [flags.out] },
    ),
  );
}
