/**
 * The grading surface the rest of mathcoder uses: a Grader extracts a final answer from a model's text and
 * decides whether two answers are equivalent. Two graders exist and reports show them side by side:
 * `strict` (the default, careful) and `mathcoder-compat` (what MathCoder's released evaluate.py does).
 */

export type GraderName = 'strict' | 'mathcoder-compat';

export const GRADER_NAMES: readonly GraderName[] = ['strict', 'mathcoder-compat'];

export interface Verdict {
  readonly equal: boolean;
  /**
   * How it was decided: `text` (same text after clean-up), `choice` (multiple-choice letter), `numeric`
   * (values within tolerance), `structure` (tuples, sets, matrices item by item), `sampled` (expressions with
   * variables agree at sample points, no sympy available), `symbolic` (sympy was asked), `tuple`/`structure`
   * for the compat grader's own steps, `none` (nothing to compare).
   */
  readonly method: 'text' | 'choice' | 'numeric' | 'structure' | 'sampled' | 'symbolic' | 'tuple' | 'none';
  /** Why it is not equal when that is worth knowing: `timeout` (sympy ran out of time), `unparsed`, `empty`… */
  readonly reason?: string;
}

export interface Grader {
  readonly name: GraderName;
  /** The final answer in a model's text (a whole solution, or a published `completion`). */
  extract(completionText: string): string;
  /** Whether `answer` is equivalent to `reference` (a dataset's answer, or another extracted answer). */
  equivalent(reference: string, answer: string): Promise<Verdict>;
}
