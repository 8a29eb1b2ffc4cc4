import { describe, expect, it } from 'vitest';
import { allAgree, averagedPassAt1, groupAnswers, hasAnswer, majorityAtK, meanWithStandardError, passAtK, type AnswerEquivalence } from '../../src/eval/sampling-metrics.js';

/** Equivalence of simple numeric answers, standing in for the strict grader here (the grader has its own tests). */
const numericallyEqual: AnswerEquivalence = async (a, b) => {
  const value = (text: string) => {
    const fraction = /^(-?\d+)\/(\d+)$/.exec(text.trim());
    return fraction ? Number(fraction[1]) / Number(fraction[2]) : Number(text.replace(/,/g, ''));
  };
  return Math.abs(value(a) - value(b)) < 1e-9;
};

describe('pass@k', () => {
  it('is the unbiased estimator 1 - C(n-c,k)/C(n,k)', () => {
    expect(passAtK(10, 0, 1)).toBe(0);
    expect(passAtK(10, 3, 1)).toBeCloseTo(0.3, 12);
    expect(passAtK(10, 3, 5)).toBeCloseTo(1 - (7 * 6 * 5 * 4 * 3) / (10 * 9 * 8 * 7 * 6), 12);
    expect(passAtK(4, 1, 4)).toBe(1);
    expect(() => passAtK(3, 1, 4)).toThrow('pass@4 needs at least 4 samples');
  });
});

describe('majority voting by equivalence', () => {
  it('groups 0.5, 1/2 and 0.50 together, not by string', async () => {
    const samples = [
      { answer: '0.5', correct: true },
      { answer: '3', correct: false },
      { answer: '1/2', correct: true },
      { answer: null, correct: false },
      { answer: '0.50', correct: true },
    ];
    const groups = await groupAnswers(samples, numericallyEqual);
    expect(groups.map((group) => group.members)).toEqual([[0, 2, 4], [1]]);
    expect((await majorityAtK(samples, 5, numericallyEqual))?.correct).toBe(true);
    expect((await majorityAtK(samples, 2, numericallyEqual))?.answer).toBe('0.5');
  });

  it('says all n agree only when every sample answered and all answers are equivalent', async () => {
    expect(await allAgree([{ answer: '1,000', correct: true }, { answer: '1000', correct: true }, { answer: '1000.0', correct: true }], numericallyEqual)).toBe(true);
    expect(await allAgree([{ answer: '2', correct: true }, { answer: null, correct: false }, { answer: '2', correct: true }], numericallyEqual)).toBe(false);
    expect(await allAgree([{ answer: '2', correct: true }, { answer: '3', correct: false }], numericallyEqual)).toBe(false);
  });
});

describe('pass@1 averaged over samples', () => {
  it('is the mean over problems of each problem\'s share of correct samples, with the standard error across problems', () => {
    const right = { answer: '1', correct: true };
    const wrong = { answer: '2', correct: false };
    // Shares 1, 0.5, 0 and 0.5: mean 0.5, sample variance 1/6, standard error sqrt(1/6 / 4).
    const result = averagedPassAt1([[right, right], [right, wrong], [wrong, { answer: null, correct: false }], [wrong, right]]);
    expect(result).toMatchObject({ mean: 0.5, problems: 4 });
    expect(result!.standardError).toBeCloseTo(Math.sqrt(1 / 6 / 4), 12);
    expect(averagedPassAt1([[right]])).toEqual({ mean: 1, standardError: null, problems: 1 });
    expect(averagedPassAt1([])).toBeNull();
  });

  it('reduces to the accuracy and its binomial standard error with one sample', () => {
    const outcomes = [true, true, true, false, false].map((correct) => [{ answer: 'x', correct }]);
    const result = meanWithStandardError(outcomes.map(([sample]) => (sample!.correct ? 1 : 0)));
    expect(result!.mean).toBeCloseTo(0.6, 12);
    expect(result!.standardError).toBeCloseTo(Math.sqrt((0.6 * 0.4) / 4), 12);
    expect(averagedPassAt1(outcomes)).toEqual(result);
  });

  it('counts a sample without an answer as one without an answer, whatever its spaces', () => {
    expect(hasAnswer({ answer: null, correct: false })).toBe(false);
    expect(hasAnswer({ answer: '  ', correct: false })).toBe(false);
    expect(hasAnswer({ answer: '0', correct: false })).toBe(true);
  });
});
