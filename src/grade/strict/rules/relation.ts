import type { SympyNode } from '../../compat/sympy-tree.js';
import { splitTopLevel } from '../answer-structure.js';
import { parseExpression } from '../compare-answers.js';
import { complexValue, freeSymbols } from '../complex-value.js';
import { quote, type Decision, type RuleInput, type RuleTools, type StrictRule } from './strict-rule.js';

/**
 * Inequalities and intervals as the sets of reals they describe: `x \geq 5` is `5 \leq x` and `[5,\infty)`,
 * `-2 \le x \le 7` is `x \in [-2,7]`, `-x > -1` is `x < 1`, `x \neq 3` is `(-\infty,3) \cup (3,\infty)`,
 * `1 \leq |z| \leq \frac{3}{2}` is `[-\frac32,-1] \cup [1,\frac32]`, unions with `\cup` or "or". Relations between
 * several unknowns (`f(2) < f(1) < f(4)`) must be the same chain, read either way.
 */

interface Endpoint {
  readonly value: number;
  readonly text: string;
  readonly closed: boolean;
}

interface Interval {
  readonly low: Endpoint;
  readonly high: Endpoint;
}

const INFINITE = (sign: 1 | -1): Endpoint => ({ value: sign * Infinity, text: sign > 0 ? '\\infty' : '-\\infty', closed: false });
const OPERATOR = /≤|≥|<|>|≠/;

/** Relation operators in one spelling each (the clean-up already wrote `\\le`, `<=`, … as ≤ ≥ ≠). */
function canonical(text: string): string {
  return text.replace(/\\text\{\s*(or|and)\s*\}/g, ' $1 ').replace(/\\left|\\right/g, '').replace(/\s+/g, '');
}

function constant(text: string): Endpoint | null {
  if (/^\+?\\infty$|^\+?∞$|^oo$/.test(text)) return INFINITE(1);
  if (/^-\\infty$|^-∞$|^-oo$/.test(text)) return INFINITE(-1);
  const node = parseExpression(text);
  if (node === null || freeSymbols(node).size > 0) return null;
  const value = complexValue(node);
  return value === null || Math.abs(value.im) > 1e-12 ? null : { value: value.re, text, closed: true };
}

/** `[a,b)`, `(a,\infty)`, `\{a\}`, `\{a,b\}`. */
function intervalOf(text: string): Interval[] | null {
  const set = /^\\\{(.*)\\\}$/.exec(text);
  if (set) {
    const points = splitTopLevel(set[1]!, ',').map(constant);
    return points.every((point) => point !== null) ? points.map((point) => ({ low: point!, high: point! })) : null;
  }
  const match = /^([[(])(.*)([\])])$/.exec(text);
  if (!match) return null;
  const ends = splitTopLevel(match[2]!, ',');
  if (ends.length !== 2) return null;
  const [low, high] = ends.map(constant);
  if (!low || !high) return null;
  return [{ low: { ...low, closed: match[1] === '[' && Number.isFinite(low.value) }, high: { ...high, closed: match[3] === ']' && Number.isFinite(high.value) } }];
}

/** The linear function a side is of its one unknown: [slope, intercept], or null. */
function linear(node: SympyNode, name: string): [number, number] | null {
  const at = (x: number) => complexValue(node, { [name]: { re: x, im: 0 } });
  const [a, b, c] = [at(0), at(1), at(2.5)];
  if (!a || !b || !c || [a, b, c].some((value) => Math.abs(value.im) > 1e-12)) return null;
  const slope = b.re - a.re;
  if (Math.abs(a.re + 2.5 * slope - c.re) > 1e-9 * Math.max(1, Math.abs(c.re)) || Math.abs(slope) < 1e-12) return null;
  return [slope, a.re];
}

function solved(value: number): Endpoint {
  const rounded = Math.round(value);
  return { value, text: Math.abs(value - rounded) < 1e-12 ? String(rounded) : String(value), closed: true };
}

/** One chain `a op x op b` (or `x op a`, `|x| op a`, `2x+1 > 3`) as intervals of its unknown `name`. */
function chainOf(text: string, name: { value: string | null }): Interval[] | null {
  const sides = text.split(OPERATOR);
  const operators: string[] = text.match(new RegExp(OPERATOR.source, 'g')) ?? [];
  if (sides.length < 2 || sides.some((side) => side === '')) return null;
  if (operators.includes('≠')) {
    if (sides.length !== 2) return null;
    const [left, right] = [constant(sides[0]!), constant(sides[1]!)];
    const point = left ?? right;
    const other = left ? sides[1]! : sides[0]!;
    if (!point || !/^[a-zA-Z]$/.test(other) || (name.value !== null && name.value !== other)) return null;
    name.value = other;
    return [{ low: INFINITE(-1), high: { ...point, closed: false } }, { low: { ...point, closed: false }, high: INFINITE(1) }];
  }
  let low: Endpoint = INFINITE(-1);
  let high: Endpoint = INFINITE(1);
  let absolute = false;
  let found = false;
  for (let index = 0; index < operators.length; index += 1) {
    const [left, right] = [sides[index]!, sides[index + 1]!];
    const [leftValue, rightValue] = [constant(left), constant(right)];
    if (leftValue && rightValue) return null;
    const variableSide = leftValue ? right : left;
    let bound = leftValue ?? rightValue;
    if (!bound) return null;
    let operator = operators[index]!;
    if (leftValue) operator = { '<': '>', '>': '<', '≤': '≥', '≥': '≤' }[operator]!;
    const abs = /^\|([a-zA-Z])\|$/.exec(variableSide);
    // One unknown: `x`, `|x|`, or a function's value `f(x)`.
    let unknown = abs?.[1] ?? (/^[a-zA-Z](?:\([a-zA-Z]\))?$/.test(variableSide) ? variableSide : null);
    if (unknown === null) {
      const node = parseExpression(variableSide);
      const symbols = node ? [...freeSymbols(node)] : [];
      if (!node || symbols.length !== 1) return null;
      const line = linear(node, symbols[0]!);
      if (!line) return null;
      unknown = symbols[0]!;
      bound = solved((bound.value - line[1]) / line[0]);
      if (line[0] < 0) operator = { '<': '>', '>': '<', '≤': '≥', '≥': '≤' }[operator]!;
    }
    if (name.value !== null && name.value !== unknown) return null;
    name.value = unknown;
    absolute ||= abs !== null;
    found = true;
    const closed = operator === '≤' || operator === '≥';
    if (operator === '<' || operator === '≤') high = { ...bound, closed };
    else low = { ...bound, closed };
  }
  if (!found) return null;
  if (!absolute) return [{ low, high }];
  // |x| between low and high: both signs.
  const negative = (end: Endpoint): Endpoint => ({ value: -end.value, text: end.value === 0 ? '0' : `-(${end.text})`, closed: end.closed });
  if (low.value <= 0) return [{ low: negative(high), high }];
  return [{ low: negative(high), high: negative(low) }, { low, high }];
}

/** A relation or interval answer as a union of intervals of one unknown, or null. */
function setOf(text: string): Interval[] | null {
  const name = { value: null as string | null };
  const parts = splitTopLevel(text, '\\cup').flatMap((part) => part.split(/(?<=[\d)\]a-zA-Z}])or(?=[-\d(\[a-zA-Z\\|])/));
  const intervals: Interval[] = [];
  for (const part of parts) {
    const membership = /^([a-zA-Z])\\in(.*)$/.exec(part);
    const found = membership ? intervalOf(membership[2]!) : OPERATOR.test(part) ? chainOf(part, name) : intervalOf(part);
    if (membership) {
      if (name.value !== null && name.value !== membership[1]) return null;
      name.value = membership[1]!;
    }
    if (!found) return null;
    intervals.push(...found);
  }
  return intervals.sort((a, b) => a.low.value - b.low.value || Number(b.low.closed) - Number(a.low.closed));
}

async function sameEnd(a: Endpoint, b: Endpoint, tools: RuleTools): Promise<boolean> {
  if (!Number.isFinite(a.value) || !Number.isFinite(b.value)) return a.value === b.value;
  if (a.closed !== b.closed) return false;
  if (Math.abs(a.value - b.value) <= 1e-9 * Math.max(1, Math.abs(a.value))) return true;
  return (await tools.compare(a.text, b.text)).equal;
}

const describe = (intervals: readonly Interval[]) =>
  intervals.map((interval) => `${interval.low.closed ? '[' : '('}${interval.low.text}, ${interval.high.text}${interval.high.closed ? ']' : ')'}`).join(' ∪ ');

async function decide(input: RuleInput, tools: RuleTools): Promise<Decision | null> {
  if (input.answers.length !== 1) return null;
  const reference = canonical(tools.normalize(input.reference));
  const answer = canonical(tools.normalize(input.answers[0]!.text));
  const relational = (text: string) => OPERATOR.test(text) || /^[a-zA-Z]\\in/.test(text);
  if (!relational(reference) && !relational(answer)) return null;
  const [left, right] = [setOf(reference.replace(/^([a-zA-Z])\\in/, '$1\\in')), setOf(answer)];
  if (left && right) {
    let same = left.length === right.length;
    for (let index = 0; same && index < left.length; index += 1) {
      same = (await sameEnd(left[index]!.low, right[index]!.low, tools)) && (await sameEnd(left[index]!.high, right[index]!.high, tools));
    }
    return { equal: same, method: 'structure', why: same ? `both describe ${quote(describe(left))}` : `${quote(describe(right))} is not ${quote(describe(left))}` };
  }
  if (relational(reference) && relational(answer)) {
    const reversed = (text: string) => text.split(/(≤|≥|<|>|≠)/).reverse().map((part) => ({ '≤': '≥', '≥': '≤', '<': '>', '>': '<' })[part] ?? part).join('');
    const equal = answer === reference || reversed(answer) === reference;
    return { equal, method: 'text', why: equal ? 'the same relation' : 'a different relation' };
  }
  return { equal: false, method: 'structure', why: `${relational(reference) ? 'the reference' : 'the answer'} is a relation, the other a value` };
}

export const relation: StrictRule = {
  name: 'relation',
  summary: 'inequalities and intervals compared as the sets of reals they describe',
  decide,
  cases: [
    { reference: 'x \\geq 5', answer: '$5 \\leq x$', expected: true, why: 'the same set written the other way round' },
    { reference: '-2 \\le x \\le 7', answer: '$x \\in [-2,7]$', expected: true, why: 'a chain and its interval' },
    { reference: 'x \\in [-2,7]', answer: '$-2 \\le x \\le 7$', expected: true, why: 'the same, reference as interval' },
    { reference: '[-2, 7]', answer: 'The solution is $-2 \\leq x \\leq 7$.', expected: true, why: 'a bare interval and a chain' },
    { reference: 'x < 1', answer: '$-x > -1$', expected: true, why: 'a linear inequality solved' },
    { reference: 'x > 5', answer: '$x < 5$', expected: false, why: 'the other side' },
    { reference: 'x \\geq 5', answer: '$x > 5$', expected: false, why: 'open against closed' },
    { reference: 'x \\neq 3', answer: '$3 != x$', expected: true, why: 'the same exclusion written the other way round' },
    { reference: '(-\\infty, 2) \\cup (3, \\infty)', answer: '$x < 2 \\text{ or } x > 3$', expected: true, why: 'a union written with "or"' },
    { reference: '1\\leq|z|\\leq \\frac{3}{2}', answer: '$z \\in \\left[-\\frac{3}{2}, -1\\right] \\cup \\left[1, \\frac{3}{2}\\right]$', expected: true, why: 'an absolute value as two intervals' },
    { reference: 'f(2) < f(1) < f(4)', answer: '$\\boxed{f(4) > f(1) > f(2)}$', expected: true, why: 'the same chain read backwards' },
    { reference: '3', answer: '$x > 3$', expected: false, why: 'a relation is not a value' },
  ],
};
