import { describe, expect, it } from 'vitest';
import { STRICT_RULES, createStrictGrader } from '../../src/grade/strict/strict-grader.js';

/**
 * Every rule of the strict grader with its own cases (data rows in the rule's module): each row gets the expected
 * verdict, decided by that rule. Sample points only (no sympy), so the whole table runs in well under a second.
 */
const grader = createStrictGrader();

describe.each(STRICT_RULES.map((rule) => [rule.name, rule] as const))('strict rule %s', (_name, rule) => {
  it('has cases both ways', () => {
    expect(rule.cases.some((row) => row.expected)).toBe(true);
    expect(rule.cases.some((row) => !row.expected)).toBe(true);
  });
  it.each(rule.cases.map((row) => [`${row.why}: ${row.reference} vs ${row.answer.slice(0, 50)}`, row] as const))('%s', async (_title, row) => {
    const verdict = await grader.equivalent(row.reference, row.answer, { ...(row.question ? { question: row.question } : {}), ...(row.dataset ? { dataset: row.dataset } : {}) });
    expect({ equal: verdict.equal, rule: verdict.rule }, verdict.why).toEqual({ equal: row.expected, rule: rule.name });
  });
});
