import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { inputRowFiles } from '../input-checks.js';
import { positiveInteger, runCommand } from '../run-command.js';
import { addSandboxFlags, checkSandboxFlags, type SandboxFlagValues } from '../sandbox-flags.js';

export interface ReplayFlags extends SandboxFlagValues {
  readonly json?: boolean;
  readonly showMismatches?: boolean;
  readonly concurrency: number;
  readonly limit?: number;
}

export function registerReplayCommand(program: Command): void {
  addSandboxFlags(
    program
      .command('replay')
      .description('re-execute the code cells of published MathCoder trajectories and compare with the published executions')
      .argument('<files...>', 'JSONL files in the published row format (messages, ground_truth, debug_result, completion)')
      .option('--json', 'print one JSON object per input file')
      .option('--show-mismatches', 'list every cell whose execution differs, with both texts')
      .option('--concurrency <n>', 'trajectories replayed at once', positiveInteger('--concurrency'), Math.max(2, availableParallelism()))
      .option('--limit <n>', 'replay only the first n rows of each file', positiveInteger('--limit')),
  ).action((files: string[], flags: ReplayFlags) =>
    runCommand(async () => {
      inputRowFiles(files, 'trajectories');
      checkSandboxFlags(flags);
      const { runReplay } = await import('./replay-run.js');
      await runReplay(files, flags);
    }),
  );
}
