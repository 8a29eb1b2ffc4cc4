import type { Comparison } from '../compare-answers.js';
import { decided, quote, type Decision, type RuleInput, type RuleTools, type StrictRule } from './strict-rule.js';

/**
 * One answer against the reference by value (compare-answers.ts): the same text after clean-up (units, `\text`,
 * `$`, thousands separators, `\%`); exact numbers equal exactly, decimals within relative 1e-4 (a decimal to the
 * same places as written); tuples and intervals in order, sets in any order, matrices cell by cell; expressions
 * equal at sample points and proven by sympy; equations up to a factor; choice letters; numbers in a base.
 */

const EXPLAINED: Record<string, string> = {
  text: 'the same text after clean-up',
  numeric: 'the same number',
  structure: 'the same items',
  sampled: 'expressions equal at every sample point (sympy not asked)',
  symbolic: 'expressions sympy proves equal',
  choice: 'the same choice letter',
  none: 'nothing to compare',
};

function why(reference: string, answer: string, comparison: Comparison): string {
  const how = EXPLAINED[comparison.method] ?? comparison.method;
  if (comparison.equal) return `${quote(answer)} and ${quote(reference)}: ${how}`;
  const reason = comparison.reason === 'timeout' ? 'sympy ran out of time' : comparison.reason ? comparison.reason.replace(/-/g, ' ') : `compared as ${comparison.method === 'text' ? 'text' : comparison.method === 'numeric' ? 'numbers' : comparison.method === 'structure' ? 'items' : 'expressions'}`;
  return `${quote(answer)} is not ${quote(reference)} (${reason})`;
}

async function decideValue(input: RuleInput, tools: RuleTools): Promise<Decision | null> {
  if (input.answers.length !== 1) return null;
  const answer = input.answers[0]!.text;
  const comparison = await tools.compare(input.reference, answer);
  return decided(comparison, why(input.reference, answer, comparison));
}

export const value: StrictRule = {
  name: 'value',
  summary: 'one answer against the reference by value (text, exact and decimal numbers, structures, expressions, sympy)',
  decide: decideValue,
  cases: [
    { reference: '\\frac{9}{7}', answer: 'So $x = \\boxed{\\frac{9}{7}}$.', expected: true, why: 'a fraction in a box' },
    { reference: '\\frac{9}{7}', answer: '\\boxed{1.29}', expected: false, why: 'a rounded decimal is not the exact value' },
    { reference: '7425000', answer: '7,425,000', expected: true, why: 'thousands separators' },
    { reference: '1000', answer: '1 000', expected: true, why: 'a space as thousands separator' },
    { reference: '1000.99', answer: '1000,99', expected: true, why: 'a decimal comma' },
    { reference: '32349', answer: 'is $\\boxed{32, 349}$', expected: false, why: 'a comma and a space separate two numbers' },
    { reference: '1000.99', answer: 'the number is not 10 which is 1,000.99€', expected: true, why: 'a currency sign after the last number (a plain-number dataset)', dataset: 'gsm8k' },
    { reference: '28\\%', answer: '$\\boxed{28 percent}$', expected: true, why: 'the word percent' },
    { reference: '15\\mbox{ cm}^2', answer: '\\boxed{15}', expected: true, why: 'a unit in \\mbox' },
    { reference: '\\text{Evelyn}', answer: 'Therefore, $\\boxed{\\text{Evelyn}}$ is our answer.', expected: true, why: 'a name' },
    { reference: '(-\\infty,2)\\cup(3,\\infty)', answer: '\\(x \\in \\boxed{(-\\infty, 2) \\cup (3, \\infty)}\\)', expected: true, why: 'a union of intervals' },
    { reference: '30.0', answer: '\\[\n\\boxed{30 \\text{ (with a Remainder of } 0 \\text{)}}\n\\]', expected: true, why: 'a remark in parentheses after the value' },
    { reference: '-48*g', answer: '\\boxed{-48 \\cdot g}', expected: true, why: 'Python and LaTeX products' },
    { reference: '-150*y', answer: '\\boxed{-150y^{2}}', expected: false, why: 'another power' },
    { reference: '12 3 0', answer: '\\boxed{3, 0, 12}', expected: false, why: 'a sorted list keeps its order' },
    { reference: '0.33', answer: '\\boxed{\\frac{1}{3}}', expected: false, why: 'no rounding asked: 1/3 is not 0.33' },
  ],
};

async function decideRounding(input: RuleInput, tools: RuleTools): Promise<Decision | null> {
  if (input.decimals === null || input.answers.length !== 1) return null;
  const answer = input.answers[0]!.text;
  const comparison = await tools.compare(input.reference, answer);
  const places = `${input.decimals} decimal place${input.decimals === 1 ? '' : 's'}`;
  if (comparison.equal && comparison.rounded) return decided(comparison, `${quote(answer)} rounds to ${quote(input.reference)} at the ${places} the question asks for`);
  if (!comparison.equal && comparison.method === 'numeric') return decided(comparison, `${quote(answer)} does not round to ${quote(input.reference)} at the ${places} the question asks for`);
  return null;
}

export const rounding: StrictRule = {
  name: 'rounding',
  summary: 'a value that rounds to the reference at the precision the question asks for',
  decide: decideRounding,
  cases: [
    { question: 'Express your answer to the nearest hundredth.', reference: '0.33', answer: '\\boxed{\\frac{1}{3}}', expected: true, why: '1/3 is 0.33 to the nearest hundredth' },
    { question: 'Round your answer to the nearest tenth.', reference: '2.7', answer: '\\boxed{2.66}', expected: true, why: '2.66 rounds to 2.7' },
    { question: 'What is the cube root of 2631015 to the nearest integer?', reference: '138', answer: '\\boxed{137.6}', expected: true, why: 'an unrounded value that rounds to the reference' },
    { question: 'Round your answer to the nearest tenth.', reference: '2.7', answer: '\\boxed{2.6}', expected: false, why: 'another tenth' },
    { question: 'What is the cube root of 2631015 to the nearest integer?', reference: '138', answer: '\\boxed{2631015}', expected: false, why: 'far from the reference' },
  ],
};
