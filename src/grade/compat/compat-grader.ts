import type { Grader, Verdict } from '../types.js';
import { quoteAnswer } from '../verdict-text.js';
import { compatModelAnswer, findMathAnswer } from './find-math-answer.js';
import { compatMatch } from './is-equal.js';

export interface CompatGraderOptions {
  /** evaluate.py deletes every letter of a GSM8K answer (it checks for "GSM8K" in the file path). */
  readonly gsm8k?: boolean;
}

/** `mathcoder-compat`: MathCoder's released evaluate.py, verdict for verdict. */
export function createCompatGrader(options: CompatGraderOptions = {}): Grader {
  const references = new Map<string, string>();
  return {
    name: 'mathcoder-compat',
    extract: (completionText) => compatModelAnswer(completionText, options),
    extractAll: (completionText) => [compatModelAnswer(completionText, options)],
    async equivalent(reference, answer): Promise<Verdict> {
      let normalized = references.get(reference);
      if (normalized === undefined) {
        normalized = findMathAnswer(reference);
        references.set(reference, normalized);
      }
      const match = compatMatch(normalized, answer);
      const compared = `is_equal(${quoteAnswer(normalized)}, ${quoteAnswer(answer)})`;
      if (match === null) return { equal: false, method: 'none', rule: 'evaluate.py', why: `MathCoder's ${compared} is False` };
      return { equal: true, method: match === 'structure' ? 'structure' : match, rule: 'evaluate.py', why: `MathCoder's ${compared} is True (${match})` };
    },
  };
}
