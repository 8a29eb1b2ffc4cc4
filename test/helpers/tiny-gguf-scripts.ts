import { MATHCODER_SYNTAX, promptConversation, type Block } from '../../src/format/index.js';
import { llama2Tokenize, llama2Vocabulary } from './llama2-vocabulary.js';
import type { ScriptedTranscript, ScriptSegment } from './tiny-gguf.js';

/**
 * Scripts for the tiny model: a question, the blocks the model writes and the executions the sandbox will
 * print, as the MathCoder transcript the solve loop builds (default prompt options).
 */
export interface ScriptedProblem {
  readonly question: string;
  /** The assistant's blocks; execution blocks are what the sandbox prints for the code before them. */
  readonly blocks: readonly Block[];
}

export function scriptedTranscript(problem: ScriptedProblem): ScriptedTranscript {
  const prompt = MATHCODER_SYNTAX.render(promptConversation(problem.question));
  const segments: ScriptSegment[] = [{ text: prompt, model: false }];
  for (const block of problem.blocks) segments.push({ text: MATHCODER_SYNTAX.renderBlocks([block]), model: block.type !== 'execution' });
  segments.push({ text: '<|endofmessage|>', model: true });
  return { segments };
}

/** The transcript's full text, as the solve loop's `transcript` will read at the end. */
export function scriptedText(problem: ScriptedProblem): string {
  return MATHCODER_SYNTAX.render(promptConversation(problem.question)) + MATHCODER_SYNTAX.renderBlocks(problem.blocks) + '<|endofmessage|>';
}

/** Three rounds: reasoning, a code block and its output, the boxed answer. */
export const SIX_TIMES_SEVEN: ScriptedProblem = {
  question: 'What is six times seven?',
  blocks: [
    { type: 'text', content: 'Let me compute it:' },
    { type: 'code', content: 'print(6 * 7)' },
    { type: 'execution', content: '42' },
    { type: 'text', content: 'The answer is \\boxed{42}.' },
  ],
};

/** Two code blocks sharing a variable (the sandbox session keeps state between them). */
export const STATEFUL_SQUARES: ScriptedProblem = {
  question: 'Add the squares of 3 and 4.',
  blocks: [
    { type: 'code', content: 'a = 3 ** 2' },
    { type: 'execution', content: '<empty_execution>' },
    { type: 'code', content: 'print(a + 16)' },
    { type: 'execution', content: '25' },
    { type: 'text', content: 'So the sum is \\boxed{25}' },
  ],
};

/**
 * A longer problem for benchmarks: reasoning of `wordsPerText` distinct one-token words, a code block and its
 * output, then as many words again before the boxed answer (needs embeddingLength 512 for 100 words a text).
 */
export function longScriptedProblem(wordsPerText: number): ScriptedProblem {
  const vocabulary = llama2Vocabulary();
  const words: string[] = [];
  for (const piece of vocabulary.tokens) {
    if (!/^▁[a-z]{5,9}$/.test(piece)) continue;
    const word = piece.slice(1);
    if (llama2Tokenize(` ${word}`, vocabulary).length === 1) words.push(word);
    if (words.length === 2 * wordsPerText) break;
  }
  const text = (from: number) => ` ${words.slice(from, from + wordsPerText).join(' ')}`;
  return {
    question: 'Compute six times seven, slowly.',
    blocks: [
      { type: 'text', content: `${text(0)}:` },
      { type: 'code', content: 'print(6 * 7)' },
      { type: 'execution', content: '42' },
      { type: 'text', content: `${text(wordsPerText)} \\boxed{42}.` },
    ],
  };
}
