import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createStrictGrader } from '../../src/grade/strict/strict-grader.js';
import type { GradeContext } from '../../src/grade/types.js';

/**
 * Conformance with Math-Verify's regression cases (test/grade/math-verify-cases.json: source, commit and licence
 * there). Each case is graded as Math-Verify's test grades it: the gold and the prediction are whole texts whose
 * answers the `final-answers@1` policy finds; "expr" match types let a text's last number be its answer, and a
 * precision other than Math-Verify's default 6 is rounding the caller asks for. Cases marked `disagree` are
 * where this grader deliberately differs (the table says why); `unmet` ones are what it cannot do yet. Sample
 * points only (no sympy).
 */
interface ConformanceCase {
  readonly id: string;
  readonly gold: string;
  readonly pred: string;
  readonly expected: boolean;
  readonly options: { readonly match_types: readonly string[]; readonly precision?: number };
  readonly disagree?: string;
  readonly unmet?: string;
}

const { cases } = JSON.parse(readFileSync(new URL('./math-verify-cases.json', import.meta.url), 'utf8')) as { cases: ConformanceCase[] };
const grader = createStrictGrader();
const contextOf = (entry: ConformanceCase): GradeContext => ({
  lastNumber: entry.options.match_types.includes('expr'),
  ...(entry.options.precision !== undefined && entry.options.precision !== 6 ? { decimals: entry.options.precision } : {}),
});

describe("Math-Verify's regression cases", () => {
  it('agrees with at least 90%, with at most 2% false positives', async () => {
    let agree = 0;
    let falsePositives = 0;
    for (const entry of cases) {
      const verdict = await grader.equivalent(entry.gold, entry.pred, contextOf(entry));
      if (verdict.equal === entry.expected) agree += 1;
      else if (verdict.equal) falsePositives += 1;
    }
    expect(cases.length).toBeGreaterThanOrEqual(260);
    expect(agree / cases.length).toBeGreaterThanOrEqual(0.9);
    expect(falsePositives / cases.length).toBeLessThanOrEqual(0.02);
  });

  it('gives every case its verdict: Math-Verify\'s, the opposite where the table says why, none promised where unmet', async () => {
    for (const entry of cases.filter((item) => !item.unmet)) {
      const verdict = await grader.equivalent(entry.gold, entry.pred, contextOf(entry));
      expect(verdict.equal, `${entry.id}: ${entry.disagree ?? 'as Math-Verify'} (strict: ${verdict.rule}: ${verdict.why})`).toBe(entry.disagree ? !entry.expected : entry.expected);
    }
  });
});
