import type { Command } from 'commander';
import { positiveInteger, runCommand } from '../run-command.js';
import { addStageFlags, checkStageInput, type StageFlags } from './data-flags.js';
import { addModelFlags, addSharedModelFlags, type SharedModelFlags } from './data-model-flags.js';

export interface D0Flags extends StageFlags, SharedModelFlags {
  readonly limit?: number;
}

export function registerDataD0Command(data: Command): void {
  const command = data
    .command('d0')
    .description('D0: the teacher solves each seed problem k times in the sandbox; a solution is kept when its answer equals the reference (strict grader)')
    .option('--limit <n>', 'only the first n seed problems', positiveInteger('--limit'));
  addSharedModelFlags(addModelFlags(addStageFlags(command, { samples: 4, temperature: 0.7 }), 'teacher')).action((flags: D0Flags & Record<string, unknown>) =>
    runCommand(
      async () => {
        const seeds = await checkStageInput(flags, 'd0', ['teacher']);
        const { runD0Stage } = await import('./data-d0-run.js');
        await runD0Stage(flags, seeds);
      },
      { outputFolders: [flags.out] },
    ),
  );
}
