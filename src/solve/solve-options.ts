import { SYSTEM_PROMPTS } from '../format/prompt.js';
import { PYTHON_TOOL_SYSTEM_PROMPT } from '../format/python-tool.js';
import { getSyntax } from '../format/syntax.js';
import { GREEDY } from '../llm/types.js';
import { DEFAULT_LIMITS } from './default-limits.js';
import type { SolveLimits, SolveOptions } from './types.js';

export { DEFAULT_LIMITS, PAPER_MAX_ROUNDS } from './default-limits.js';

/** The chat backend's instructions: the same step-by-step solving, with the Python tool in place of code blocks. */
export const CHAT_SYSTEM_PROMPT = PYTHON_TOOL_SYSTEM_PROMPT;

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

/** Options with defaults filled in; the prompt's system text and query suffix default to the syntax's own. */
export function resolveSolveOptions(input: SolveOptionsInput = {}): SolveOptions {
  const syntax = input.syntax ?? DEFAULT_SOLVE_OPTIONS.syntax;
  return {
    ...DEFAULT_SOLVE_OPTIONS,
    ...input,
    prompt: { ...getSyntax(syntax).promptDefaults, ...input.prompt },
    limits: { ...DEFAULT_LIMITS, ...input.limits },
  };
}
