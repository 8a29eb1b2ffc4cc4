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
  /**
   * The rule that decided (the strict grader's rules: `multiple-choice`, `prime-factors`, `bound-unknown`,
   * `answer-set`, `rounding`, `relation`, `equation`, `value`, `no-answer`; the compat grader: `evaluate.py`).
   */
  readonly rule: string;
  /** One sentence: why the rule decided so ("option (c) of the question is -0.1, the reference"). */
  readonly why: string;
}

/** What a grader may know besides the two answers. */
export interface GradeContext {
  /** The problem's text: its options, the unknown it asks for, the rounding it asks for, its definitions. */
  readonly question?: string;
  /** The dataset (its answer conventions: plain numbers, SimulEq's first unknown, the Mathematics set's lists). */
  readonly dataset?: string;
  /** Whether the answer's message is complete (false: a generation cut short; unmarked prose gives no answer). */
  readonly complete?: boolean;
  /** Decimal places answers are rounded to when the question does not say (a conformance table's precision). */
  readonly decimals?: number;
  /** Whether the last number of an unmarked message may be its answer (default: by the dataset's answers). */
  readonly lastNumber?: boolean;
}

export interface Grader {
  readonly name: GraderName;
  /** The final answer in a model's text (a whole solution, or a published `completion`); several joined by "; ". */
  extract(completionText: string, context?: GradeContext): string;
  /** Every final answer in a model's text (the strict grader: the `final-answers@1` policy; compat: its one answer). */
  extractAll?(completionText: string, context?: GradeContext): string[];
  /**
   * Whether `answer` (a model's text or an extracted answer) is equivalent to `reference` (a dataset's answer, or
   * another extracted answer).
   */
  equivalent(reference: string, answer: string, context?: GradeContext): Promise<Verdict>;
}
