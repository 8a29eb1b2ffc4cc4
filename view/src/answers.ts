import type { StopReason } from '../../src/solve/types.js';

/**
 * Whether a row's extracted answers are answers. A trajectory that did not finish (max_rounds, deadline, loop…) and
 * ends in code or its output has no final answer: the graders then read that last block (a traceback, a printed
 * value), which the pages do not show as an answer. (The extraction itself belongs to the evaluation; the view only
 * declines to present output as an answer.)
 */
export function hasAnswer(stopReason: StopReason, lastBlock: 'text' | 'code' | 'execution' | null): boolean {
  return stopReason === 'finished' || lastBlock === 'text';
}
