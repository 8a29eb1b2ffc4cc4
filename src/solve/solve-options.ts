import { SYSTEM_PROMPTS } from '../format/prompt.js';
import { GREEDY } from '../llm/types.js';
import type { SolveLimits, SolveOptions } from './types.js';

/** The released code's limits (SPEC 1.10, 2.1): 16 generation calls of at most 512 new tokens each. */
export const DEFAULT_LIMITS: SolveLimits = Object.freeze({
  maxRounds: 16,
  maxTokensPerBlock: 512,
  deadlineMs: null,
  loopRepeats: 3,
});

/** The paper's limit: up to 32 LCE blocks. */
export const PAPER_MAX_ROUNDS = 32;

/** The chat backend's instructions: the same step-by-step solving, with the Python tool in place of code blocks. */
export const CHAT_SYSTEM_PROMPT =
  'Below is a math problem. Please solve it step by step. Write your reasoning, and call the python tool to run code ' +
  'whenever a computation helps: it is a stateful Jupyter kernel, so variables persist between calls, and it returns what ' +
  'the code prints and the value of its last expression. Put your final answer in "\\boxed{}".';

export const DEFAULT_SOLVE_OPTIONS: SolveOptions = Object.freeze({
  syntax: 'mathcoder',
  prompt: Object.freeze({ system: SYSTEM_PROMPTS.data, querySuffix: '\n' }),
  limits: DEFAULT_LIMITS,
  sampling: GREEDY,
});

export type SolveOptionsInput = Partial<Omit<SolveOptions, 'limits' | 'prompt'>> & {
  readonly limits?: Partial<SolveLimits>;
  readonly prompt?: Partial<SolveOptions['prompt']>;
};

export function resolveSolveOptions(input: SolveOptionsInput = {}): SolveOptions {
  return {
    ...DEFAULT_SOLVE_OPTIONS,
    ...input,
    prompt: { ...DEFAULT_SOLVE_OPTIONS.prompt, ...input.prompt },
    limits: { ...DEFAULT_LIMITS, ...input.limits },
  };
}
