import type { FinalAnswer } from '../../final-answers.js';
import type { Verdict } from '../../types.js';
import type { Comparison } from '../compare-answers.js';

export { quoteAnswer as quote } from '../../verdict-text.js';

/**
 * One rule of the strict grader: it reads the question, the reference and every final answer, and either
 * decides (equal or not, and why) or passes to the next rule. Its `cases` are data rows a test runs, the rule's
 * examples and its specification.
 */

export interface RuleInput {
  /** The reference answer's text (several reference answers joined by ", "). */
  readonly reference: string;
  /** The final answers of the model's message (at least one). */
  readonly answers: readonly FinalAnswer[];
  /** The question ('' when unknown). */
  readonly question: string;
  readonly dataset: string | null;
  /** Decimal places the question asks for (or the caller gives), or null. */
  readonly decimals: number | null;
}

export interface RuleTools {
  /** Whether two answers' values are equal (clean-up, structure, numbers, expressions, sympy), at `decimals`. */
  compare(reference: string, answer: string): Promise<Comparison>;
  /** An answer's cleaned-up text. */
  normalize(text: string): string;
}

export interface Decision {
  readonly equal: boolean;
  readonly method: Verdict['method'];
  readonly reason?: string;
  readonly why: string;
}

export interface RuleCase {
  readonly question?: string;
  readonly dataset?: string;
  readonly reference: string;
  /** The model's text (a whole final message or one answer). */
  readonly answer: string;
  readonly expected: boolean;
  readonly why: string;
}

export interface StrictRule {
  readonly name: string;
  /** What the rule decides, in one line. */
  readonly summary: string;
  readonly cases: readonly RuleCase[];
  decide(input: RuleInput, tools: RuleTools): Promise<Decision | null>;
}

/** A decision from a value comparison, with the sentence that explains it. */
export function decided(comparison: Comparison, why: string): Decision {
  return { equal: comparison.equal, method: comparison.method, ...(comparison.reason ? { reason: comparison.reason } : {}), why };
}

