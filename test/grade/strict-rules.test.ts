import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lastBoxed } from '../../src/grade/strict/extract-answer.js';
import { createStrictGrader } from '../../src/grade/strict/strict-grader.js';
import { sharedPath } from '../helpers/shared.js';

/**
 * One case per rule of the strict grader, each built on a real reference answer from ../shared/data (the MATH
 * `idx`, or the published row, is in the test name): the reference as published, and an answer a model could
 * give for it.
 */

const mathRows = readFileSync(sharedPath('data', 'math', 'test.jsonl'), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { idx: number; solution: string });
const mathReference = (idx: number): string => lastBoxed(mathRows.find((row) => row.idx === idx)!.solution)!;
const grader = createStrictGrader();
const equal = async (reference: string, answer: string) => (await grader.equivalent(reference, grader.extract(answer))).equal;

describe('strict grader rules, on real MATH references', () => {
  it.each([
    // [rule, MATH idx, answer, expected]
    ['\\boxed{} with nested braces in a whole solution', 2, 'So $x = \\boxed{\\frac{9}{7}}$.', true],
    ['\\dfrac written as \\frac, and as a decimal that is not it', 2, '\\frac{9}{7}', true],
    ['\\dfrac vs a rounded decimal (not exact)', 2, '1.29', false],
    ['\\text{ units} after the value', 175, '575', true],
    ['\\text{ units} after a fraction', 268, '\\frac{68}{3}', true],
    ['\\$ and thousands separators \\!', 259, '15000', true],
    ['\\$ with cents and thousands', 345, '\\$16,386.16', true],
    ['\\% sign', 385, '44', true],
    ['\\% sign vs the fraction it means', 385, '0.44\\%', false],
    ['degrees ^\\circ', 1673, '39', true],
    ['degrees written as a word', 1673, '39 degrees', true],
    ['mixed number vs improper fraction', 2057, '\\frac{9}{5}', true],
    ['mixed number vs decimal', 3783, '1.9', true],
    ['mixed number is not a product', 2057, '\\frac{4}{5}', false],
    ['interval with infinity', 25, '[0, \\infty)', true],
    ['interval bracket matters', 25, '(0,\\infty)', false],
    ['union of intervals in another order', 376, '(3,\\infty) \\cup (-\\infty,-7) \\cup (-7,3)', true],
    ['union with \\left( \\frac 12 \\right)', 56, '(-\\infty,-\\frac{1}{2})\\cup(-\\frac{1}{2},\\infty)', true],
    ['set with \\pm inside, in any order', 2622, '-2, 1-\\sqrt{5}, 1+\\sqrt{5}', true],
    ['\\pm expanded', 2896, '1-\\sqrt{19}, 1+\\sqrt{19}', true],
    ['\\pm with one sign missing', 2896, '1+\\sqrt{19}', false],
    ['column vector pmatrix vs bmatrix', 4459, '\\begin{bmatrix} 6 \\\\ 3 \\\\ 0 \\end{bmatrix}', true],
    ['matrix cell by cell', 4469, '\\begin{pmatrix} 0 & 0 & 0 \\\\ 0 & 1 & 0 \\\\ 0 & 0 & 1 \\end{pmatrix}', false],
    ['equation x = 4 vs 4', 221, '4', true],
    ['equation b=4 vs b = 4', 119, 'b = 4', true],
    ['multiple-choice letter', 808, 'C', true],
    ['multiple-choice letter in parentheses, lower case', 808, '(c)', true],
    ['multiple-choice wrong letter', 808, '(B)', false],
    ['list in any order', 8, '15, 14, 6, 4', true],
    ['list with one missing', 8, '4, 6, 14', false],
    ['number in a base', 3097, '2112_{6}', true],
    ['number in a base, base omitted', 3097, '2112', true],
    ['complex number rearranged', 45, '9i + 6', true],
    ['polynomial expanded differently (sampled, no sympy here)', 222, '-24 - 10x + x^2 + x^4', true],
    ['polynomial with a wrong coefficient', 222, 'x^4+x^2-10x-25', false],
  ] as const)('%s (MATH idx %s)', async (_rule, idx, answer, expected) => {
    expect(await equal(mathReference(idx), answer)).toBe(expected);
  });
});

describe('strict grader rules, on published rows', () => {
  it('tuples/points: (\\frac{11}{2},-1,1) vs (5.5,-1.0,1.0) (test/precalculus/183.json)', async () => {
    expect(await equal('(\\frac{11}{2},-1,1)', '(5.5,-1.0,1.0)')).toBe(true);
  });
  it('\\fbox and scientific notation (SVAMP chal-777: 145)', async () => {
    expect(await equal('145', 'The answer is $\\fbox{1.45e2}$')).toBe(true);
    expect(await equal('145', '1.45 \\times 10^{2}')).toBe(true);
  });
  it('integers must match exactly, not within 1e-4 (SVAMP: 1538832 vs 1,538,910)', async () => {
    expect(await equal('1538832', '1,538,910')).toBe(false);
    expect(await equal('1538832', '1,538,832')).toBe(true);
  });
  it('a more precise value that rounds to a 2-decimal reference (SimulEq: 7.03 vs 7.03125)', async () => {
    expect(await equal('7.03', '7.03125')).toBe(true);
    expect(await equal('0.5', '0.46')).toBe(false);
  });
  it('sorted lists from the Mathematics set keep their order ("6 4 0" vs "4,6,0"; "-2 3 5" vs "-2,3,5")', async () => {
    expect(await equal('6 4 0', '4,6,0')).toBe(false);
    expect(await equal('-2 3 5', '-2,3,5')).toBe(true);
  });
  it('implicit multiplication (Mathematics: -48*g vs -48g) and text answers in any case (\\text{Sunday})', async () => {
    expect(await equal('-48*g', '-48g')).toBe(true);
    expect(await equal('\\text{Sunday}', '{sunday}')).toBe(true);
  });
  it('units in braces after the value (SimulEq: 10000 vs 10,000{dollars})', async () => {
    expect(await equal('10000', '10,000{dollars}')).toBe(true);
  });
});
