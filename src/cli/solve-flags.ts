import { Option, type Command } from 'commander';
import { SYSTEM_PROMPTS, type SystemPromptName } from '../format/prompt.js';
import { DEFAULT_LIMITS } from '../solve/default-limits.js';
import type { SolveLimits } from '../solve/types.js';
import { nonNegativeInteger, nonNegativeNumber, positiveInteger, positiveNumber, probability } from './run-command.js';

/** The flags of every command that runs the solve loop: the prompt, the loop's limits and sampling. */
export interface SolveFlagValues {
  /** Absent: the dialect's own system text. */
  readonly system?: SystemPromptName;
  readonly maxRounds: number;
  readonly maxTokens: number;
  readonly deadline?: number;
  readonly loopRepeats: number;
  readonly temperature: number;
  readonly topP: number;
  readonly seed?: number;
}

export interface SolveFlagOptions {
  /** What one run of the loop is called in the help: `problem`, `solution`. */
  readonly noun: string;
  readonly temperature?: number;
  /** A default seed (commands that sample several times need one); none by default. */
  readonly seed?: number;
  readonly seedHelp?: string;
}

export function addSolveFlags(command: Command, options: SolveFlagOptions): Command {
  command
    .addOption(
      new Option('--system <name>', "MathCoder's system prompts: data (as the published runs), boxed (the released code's --syspt), empty (default: the dialect's own; data for mathcoder)").choices(
        Object.keys(SYSTEM_PROMPTS),
      ),
    )
    .option('--max-rounds <n>', `generation calls per ${options.noun} (${DEFAULT_LIMITS.maxRounds} as the released code, 32 as the paper)`, positiveInteger('--max-rounds'), DEFAULT_LIMITS.maxRounds)
    .option('--max-tokens <n>', 'new tokens per generation call', positiveInteger('--max-tokens'), DEFAULT_LIMITS.maxTokensPerBlock)
    .option('--deadline <seconds>', `wall-clock limit per ${options.noun}`, positiveNumber('--deadline'))
    .option('--loop-repeats <n>', `stop a ${options.noun} that writes the same code block this many times (0: never)`, nonNegativeInteger('--loop-repeats'), DEFAULT_LIMITS.loopRepeats ?? 0)
    .option('--temperature <t>', 'sampling temperature (0: greedy, as MathCoder)', nonNegativeNumber('--temperature'), options.temperature ?? 0)
    .option('--top-p <p>', 'nucleus sampling', probability('--top-p'), 1);
  if (options.seed === undefined) command.option('--seed <n>', options.seedHelp ?? 'sampling seed', nonNegativeInteger('--seed'));
  else command.option('--seed <n>', options.seedHelp ?? 'sampling seed', nonNegativeInteger('--seed'), options.seed);
  return command;
}

export function solveLimits(flags: SolveFlagValues): SolveLimits {
  return {
    maxRounds: flags.maxRounds,
    maxTokensPerBlock: flags.maxTokens,
    deadlineMs: flags.deadline === undefined ? null : flags.deadline * 1000,
    loopRepeats: flags.loopRepeats === 0 ? null : flags.loopRepeats,
  };
}
