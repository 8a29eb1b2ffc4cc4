import type { Conversation, Message } from './types.js';

/** The system prompts MathCoder has been run with (SPEC 1.7). */
export const SYSTEM_PROMPTS = {
  /** The text in the released test files and published outputs: what the published numbers used. */
  data: 'Below is a math problem. Please solve it step by step.',
  /** `src/inference.py --syspt`. */
  boxed: 'Below is a math problem. Please solve it step by step and put your answer in "\\boxed{}".',
  /** `src/inference.py` without `--syspt`: an empty system block. */
  empty: '',
} as const;

export type SystemPromptName = keyof typeof SYSTEM_PROMPTS;

export interface PromptOptions {
  /** The system text; `null` leaves the system message out entirely. */
  readonly system: string | null;
  /** Appended to the question (the released code always appends "\n"). */
  readonly querySuffix: string;
  /** Whether a BOS token precedes the prompt. The renderer never writes it as text: backends add the token. */
  readonly bos: boolean;
}

export const DEFAULT_PROMPT_OPTIONS: PromptOptions = Object.freeze({
  system: SYSTEM_PROMPTS.data,
  querySuffix: '\n',
  bos: true,
});

/** The conversation a model continues to solve `question`: system, user, and an open assistant message. */
export function promptConversation(question: string, options: PromptOptions = DEFAULT_PROMPT_OPTIONS): Conversation {
  const messages: Message[] = [];
  if (options.system !== null) messages.push({ role: 'system', content: [{ type: 'text', content: options.system }] });
  messages.push({ role: 'user', content: [{ type: 'text', content: question + options.querySuffix }] });
  messages.push({ role: 'assistant', content: [] });
  return { messages, open: true };
}
