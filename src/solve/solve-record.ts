import type { SolveResult } from './types.js';

/**
 * A solve result as JSON for files and `mathcoder solve --json`: snake_case keys at the top (`stop_reason`),
 * the blocks as they are (`type`, `content`, `round`, timings, `execution` status).
 */
export function solveRecord(result: SolveResult): Record<string, unknown> {
  return {
    question: result.question,
    answer: result.answer,
    answers: result.answers,
    answer_policy: result.answerPolicy,
    stop_reason: result.stopReason,
    error: result.error,
    blocks: result.blocks,
    rounds: result.rounds,
    backend: result.backend,
    model: result.model,
    syntax: result.syntax,
    tokens: result.tokens,
    timings: result.timings,
    transcript: result.transcript,
  };
}
