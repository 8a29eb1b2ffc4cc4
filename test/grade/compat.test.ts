import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createCompatGrader } from '../../src/grade/compat/compat-grader.js';
import { compatModelAnswer, findMathAnswer } from '../../src/grade/compat/find-math-answer.js';
import { compatMatch, evalTuple } from '../../src/grade/compat/is-equal.js';
import { loadGradeRows } from '../../src/grade/grade-rows.js';
import { sharedPath } from '../helpers/shared.js';

/** The compat grader against the paper's Table 2 and the authors' own correct/wrong splits. */
async function gradeFile(file: string, gsm8k = false) {
  const grader = createCompatGrader({ gsm8k });
  const rows = loadGradeRows(file);
  let correct = 0;
  let agree = 0;
  for (const row of rows) {
    const verdict = await grader.equivalent(row.reference, grader.extract(row.completion));
    if (verdict.equal) correct += 1;
    if (verdict.equal === row.published) agree += 1;
  }
  return { rows: rows.length, accuracy: (100 * correct) / rows.length, agreement: agree / rows.length };
}

describe('mathcoder-compat reproduces Table 2 from the published outputs', () => {
  it.each([
    ['mathcoder-cl-7b/svamp.jsonl', 70.7],
    ['mathcoder-cl-7b/mathematics.jsonl', 55.8],
    ['mathcoder-cl-7b/simuleq.jsonl', 49.6],
  ])('%s within 0.5 points of %s and >= 99%% row agreement with the authors', async (file, table2) => {
    const result = await gradeFile(sharedPath('trajectories', file));
    expect(Math.abs(result.accuracy - table2)).toBeLessThanOrEqual(0.5);
    expect(result.agreement).toBeGreaterThanOrEqual(0.99);
  });

  it('MathCoder-L-7B GSM8K: 64.2 from the correct and wrong splits, letters stripped as evaluate.py does for GSM8K', async () => {
    const correct = await gradeFile(sharedPath('trajectories', 'mathcoder-l-7b/gsm8k.correct.jsonl'), true);
    const wrong = await gradeFile(sharedPath('trajectories', 'mathcoder-l-7b/gsm8k.wrong.jsonl'), true);
    const accuracy = (correct.accuracy * correct.rows) / (correct.rows + wrong.rows);
    expect(Math.abs(accuracy - 64.2)).toBeLessThanOrEqual(0.5);
    expect(correct.agreement).toBeGreaterThanOrEqual(0.99);
    expect(wrong.agreement).toBeGreaterThanOrEqual(0.99);
  });

  it('MathCoder-L-7B MATH: agrees with >= 98% of the rows the authors judged correct', async () => {
    const result = await gradeFile(sharedPath('trajectories', 'mathcoder-l-7b/math.correct.jsonl'));
    expect(result.agreement).toBeGreaterThanOrEqual(0.98);
  });
});

describe('find_math_answer and is_equal, quirks included', () => {
  it('takes the greedy \\boxed{} content and the text after " is "', () => {
    expect(findMathAnswer('so the answer is \\boxed{\\frac{1}{2}}.')).toBe('\\frac{1}{2}');
    expect(findMathAnswer('The total is 42')).toBe('42');
    expect(findMathAnswer('x = \\boxed{5}')).toBe('5');
  });

  it('deletes units and every ^2/^3 anywhere (strip_units), and 0.5 becomes \\frac{1}{2}', () => {
    expect(findMathAnswer('12 \\text{ cm}^2')).toBe('12');
    expect(findMathAnswer('x^2+1')).toBe('x+1');
    expect(findMathAnswer('0.5')).toBe('\\frac{1}{2}');
    expect(findMathAnswer('3/4')).toBe('\\frac{3}{4}');
  });

  it('turns a boxed choice letter into the letter, and strips GSM8K letters', () => {
    expect(compatModelAnswer('\\boxed{B}')).toBe('b');
    expect(compatModelAnswer('18 dollars', { gsm8k: true })).toBe('18');
  });

  it('evaluates tuples element by element as Python prints them (test/precalculus/183.json)', () => {
    const row = readFileSync(sharedPath('trajectories', 'mathcoder-l-7b/math.correct.jsonl'), 'utf8').split('\n').map((line) => line && JSON.parse(line)).find((entry) => entry?.id === 'test/precalculus/183.json');
    expect(evalTuple(findMathAnswer(row.ground_truth.answer))).toBe('(5.5,-1,1)');
    expect(evalTuple(findMathAnswer(row.completion))).toBe('(5.5,-1,1)');
    expect(evalTuple('(\\frac{6}{3},1)')).toBe('(2.0,1)');
  });

  it('accepts a difference of exactly 0.01 (sympy compares 1/100 with the double 1e-2) and rejects 0.02', () => {
    expect(compatMatch('1', '0.990')).toBe('numeric');
    expect(compatMatch('1', '0.98')).toBeNull();
    expect(compatMatch('2x', '2\\cdot x')).toBe('structure');
    expect(compatMatch('x+1', '1+x')).toBeNull();
  });
});
