import { latexToSympyComplete } from '../compat/latex-to-sympy.js';
import { exactRational } from '../compat/exact-rational.js';
import { addFlat, negate, type SympyNode } from '../compat/sympy-tree.js';
import type { Verdict } from '../types.js';
import { assignedValue, type AnswerStructure } from './answer-structure.js';
import { closeEnough, complexValue, freeSymbols, type Complex, type SymbolValues } from './complex-value.js';
import type { SymbolicChecker } from './symbolic-checker.js';

/**
 * Equivalence of two structured answers. Almost everything is decided here in TypeScript: text, choice letters,
 * exact and floating values (relative tolerance 1e-4), tuples/intervals in order, collections in any order,
 * matrices cell by cell, equations up to a constant factor. Expressions with variables are first compared at
 * random points; only when they agree there is sympy asked (through the SymbolicChecker) to prove it.
 */

export interface CompareContext {
  readonly checker: SymbolicChecker | null;
  /** Which side alone carried a percent sign: 44\% is then also 0.44 on the other side. */
  readonly percent: 'reference' | 'answer' | null;
  /** Decimal places the question asks for: values equal when rounded to them (0.33 for 1/3 to the nearest hundredth). */
  readonly decimals?: number | null;
}

/** The outcome of comparing two answers' values; `rounded`: equal only once rounded to the asked decimals. */
export interface Comparison {
  readonly equal: boolean;
  readonly method: Verdict['method'];
  readonly reason?: string;
  readonly rounded?: boolean;
}

const equal = (method: Verdict['method']): Comparison => ({ equal: true, method });
const different = (method: Verdict['method'], reason?: string): Comparison => ({ equal: false, method, ...(reason ? { reason } : {}) });

/** Fixed pseudo-random points (the same every run, so verdicts are reproducible). */
const SAMPLE_VALUES = [0.7318, 1.4142, 2.2361, 0.4123, 1.7321, 2.6458];

function samplePoints(symbols: readonly string[], count: number): SymbolValues[] {
  return Array.from({ length: count }, (_, point) =>
    Object.fromEntries(symbols.map((name, index) => [name, { re: SAMPLE_VALUES[(point * 3 + index * 5) % SAMPLE_VALUES.length]! + point * 0.37, im: 0 }])),
  );
}

const parsed = new Map<string, SympyNode | null>();

/** One expression read from cleaned-up LaTeX, or null (a list, or text the reader cannot parse); remembered. */
export function parseExpression(text: string): SympyNode | null {
  let node = parsed.get(text);
  if (node === undefined) {
    try {
      const value = latexToSympyComplete(text);
      node = Array.isArray(value) ? null : (value as SympyNode);
    } catch {
      node = null;
    }
    if (parsed.size > 50_000) parsed.clear();
    parsed.set(text, node);
  }
  return node;
}

function plainText(text: string): string {
  return text.toLowerCase().replace(/[\s{}]|\\text|\\mathrm/g, '');
}

function closeWithPercent(a: Complex, b: Complex, percent: CompareContext['percent']): boolean {
  if (closeEnough(a, b)) return true;
  if (percent === 'reference') return closeEnough({ re: a.re / 100, im: a.im / 100 }, b);
  if (percent === 'answer') return closeEnough(a, { re: b.re / 100, im: b.im / 100 });
  return false;
}

const DECIMAL = /^-?\d*\.(\d+)$/;

/** A reference given to k >= 2 decimals ("to the nearest hundredth") and a more precise answer that rounds to it. */
function roundsToReference(referenceText: string, a: Complex, answerText: string, b: Complex): boolean {
  const decimals = DECIMAL.exec(referenceText)?.[1]?.length;
  const answerDecimals = DECIMAL.exec(answerText)?.[1]?.length ?? 0;
  if (decimals === undefined || decimals < 2 || answerDecimals <= decimals || a.im !== 0 || b.im !== 0) return false;
  return Math.round(b.re * 10 ** decimals) === Math.round(a.re * 10 ** decimals) && Math.abs(a.re - b.re) < 10 ** -decimals;
}

/**
 * Two closed-form values. Written exactly on both sides (no decimal point): rational values must be equal
 * (1538910 is not 1538832, though within 1e-4), irrational ones within 1e-9. Two decimals to the same number
 * of places: equal as written (0.35626 is not 0.35625); otherwise, and for a decimal against an exact form,
 * relative tolerance 1e-4. In every case an answer
 * that rounds to a decimal reference at the reference's number of decimals (7.03125 for 7.03) is that reference.
 */
function numbersEqual(referenceText: string, reference: SympyNode, a: Complex, answerText: string, answer: SympyNode, b: Complex, percent: CompareContext['percent']): boolean {
  if (roundsToReference(referenceText, a, answerText, b)) return true;

  const referenceDecimal = referenceText.includes('.');
  const answerDecimal = answerText.includes('.');
  if (percent === null && referenceDecimal === answerDecimal) {
    const x = exactRational(reference);
    const y = exactRational(answer);
    if (x !== null && y !== null && x[0] * y[1] === y[0] * x[1]) return true;
    if (!referenceDecimal) return x === null || y === null ? closeEnough(a, b, 1e-9) : false;
    // Two decimals written to the same number of places must be the same; 583.33 for 583.3333 is within 1e-4.
    if (DECIMAL.exec(referenceText)?.[1]?.length === DECIMAL.exec(answerText)?.[1]?.length) return false;
  }
  return closeWithPercent(a, b, percent);
}

/** Equal once both are rounded to the decimals the question asks for (real values only). */
function roundedEqual(a: Complex, b: Complex, decimals: number | null | undefined): boolean {
  if (decimals === null || decimals === undefined || Math.abs(a.im) > 1e-12 || Math.abs(b.im) > 1e-12) return false;
  const scale = 10 ** decimals;
  const round = (value: number) => Math.round(value * scale + Math.sign(value) * 1e-9);
  return round(a.re) === round(b.re);
}

async function confirmSymbolically(a: SympyNode, b: SympyNode, context: CompareContext, mode: 'equal' | 'proportional'): Promise<Comparison> {
  if (!context.checker) return equal('sampled');
  const outcome = await context.checker.compare(a, b, mode);
  if (outcome === 'equal') return equal('symbolic');
  if (outcome === 'timeout') return different('symbolic', 'timeout');
  // sympy could not prove it though every sample agreed: trust the proof only.
  return different('symbolic', outcome === 'error' ? 'sympy-error' : 'not-proven');
}

export async function compareExpressions(referenceText: string, answerText: string, context: CompareContext): Promise<Comparison> {
  if (referenceText === answerText || plainText(referenceText) === plainText(answerText)) return equal('text');
  const reference = parseExpression(referenceText);
  const answer = parseExpression(answerText);
  if (reference === null || answer === null) {
    return plainText(referenceText) === plainText(answerText) ? equal('text') : different('text', 'unparsed');
  }
  const symbols = [...new Set([...freeSymbols(reference), ...freeSymbols(answer)])].sort();
  if (symbols.length === 0) {
    const a = complexValue(reference);
    const b = complexValue(answer);
    if (a !== null && b !== null) {
      if (numbersEqual(referenceText, reference, a, answerText, answer, b, context.percent)) return equal('numeric');
      return roundedEqual(a, b, context.decimals) ? { equal: true, method: 'numeric', rounded: true } : different('numeric');
    }
    return context.checker ? confirmSymbolically(reference, answer, context, 'equal') : different('numeric', 'undefined-value');
  }
  let defined = 0;
  for (const point of samplePoints(symbols, 4)) {
    const a = complexValue(reference, point);
    const b = complexValue(answer, point);
    if (a === null || b === null) continue;
    if (!closeEnough(a, b)) return different('sampled');
    defined += 1;
  }
  if (defined === 0 && !context.checker) return different('sampled', 'undefined-value');
  return confirmSymbolically(reference, answer, context, 'equal');
}

async function compareEquations(reference: Extract<AnswerStructure, { kind: 'equation' }>, answer: Extract<AnswerStructure, { kind: 'equation' }>, context: CompareContext): Promise<Comparison> {
  if (reference.left === answer.left && reference.right === answer.right) return equal('text');
  const parts = [reference.left, reference.right, answer.left, answer.right].map(parseExpression);
  if (parts.some((part) => part === null)) return different('text', 'unparsed');
  const [l1, r1, l2, r2] = parts as SympyNode[];
  const f = addFlat(l1!, negate(r1!));
  const g = addFlat(l2!, negate(r2!));
  const symbols = [...new Set([...freeSymbols(f), ...freeSymbols(g)])].sort();
  let ratio: Complex | null = null;
  for (const point of samplePoints(symbols, 4)) {
    const a = complexValue(f, point);
    const b = complexValue(g, point);
    if (a === null || b === null) continue;
    if (Math.hypot(b.re, b.im) < 1e-12) {
      if (Math.hypot(a.re, a.im) < 1e-12) continue;
      return different('sampled');
    }
    const denominator = b.re * b.re + b.im * b.im;
    const current = { re: (a.re * b.re + a.im * b.im) / denominator, im: (a.im * b.re - a.re * b.im) / denominator };
    if (ratio !== null && !closeEnough(ratio, current)) return different('sampled');
    ratio = current;
  }
  if (ratio === null || Math.hypot(ratio.re, ratio.im) < 1e-12) return different('sampled', 'undefined-value');
  return confirmSymbolically(f, g, context, 'proportional');
}

/** Matches every reference item to a distinct answer item, in any order. */
/** Whether every item of one collection equals some item of the other (a set written with a repeat). */
async function coversAsSets(reference: readonly AnswerStructure[], answer: readonly AnswerStructure[], context: CompareContext): Promise<boolean> {
  const covers = async (from: readonly AnswerStructure[], to: readonly AnswerStructure[]) => {
    for (const item of from) {
      let found = false;
      for (const other of to) if (!found && (await compareStructures(item, other, context)).equal) found = true;
      if (!found) return false;
    }
    return true;
  };
  return (await covers(reference, answer)) && (await covers(answer, reference));
}

async function compareCollections(reference: readonly AnswerStructure[], answer: readonly AnswerStructure[], context: CompareContext): Promise<Comparison> {
  if (reference.length !== answer.length) return (await coversAsSets(reference, answer, context)) ? equal('structure') : different('structure', 'different-count');
  const used = new Set<number>();
  let rounded = false;
  for (const item of reference) {
    let found = -1;
    for (let index = 0; index < answer.length && found === -1; index += 1) {
      if (used.has(index)) continue;
      const verdict = await compareStructures(item, answer[index]!, context);
      if (verdict.equal) {
        found = index;
        rounded ||= verdict.rounded === true;
      }
    }
    if (found === -1) return different('structure');
    used.add(found);
  }
  return rounded ? { equal: true, method: 'structure', rounded } : equal('structure');
}

async function compareInOrder(reference: readonly AnswerStructure[], answer: readonly AnswerStructure[], context: CompareContext): Promise<Comparison> {
  if (reference.length !== answer.length) return different('structure', 'different-count');
  let rounded = false;
  for (let index = 0; index < reference.length; index += 1) {
    const verdict = await compareStructures(reference[index]!, answer[index]!, context);
    if (!verdict.equal) return verdict.reason === 'timeout' ? verdict : different('structure');
    rounded ||= verdict.rounded === true;
  }
  return rounded ? { equal: true, method: 'structure', rounded } : equal('structure');
}

export async function compareStructures(reference: AnswerStructure, answer: AnswerStructure, context: CompareContext): Promise<Comparison> {
  // `x = 3` against `3` (either way round).
  if (reference.kind === 'equation' && answer.kind !== 'equation') {
    const value = assignedValue(reference);
    return value ? compareStructures(value, answer, context) : different('structure');
  }
  if (answer.kind === 'equation' && reference.kind !== 'equation') {
    const value = assignedValue(answer);
    return value ? compareStructures(reference, value, context) : different('structure');
  }
  if (reference.kind === 'based' && answer.kind === 'expression') return answer.text.toUpperCase() === reference.digits ? equal('text') : different('text');
  if (answer.kind === 'based' && reference.kind === 'expression') return reference.text.toUpperCase() === answer.digits ? equal('text') : different('text');
  if (reference.kind === 'choice' && answer.kind === 'expression') return plainText(answer.text) === reference.letter.toLowerCase() ? equal('choice') : different('choice');
  if (reference.kind !== answer.kind) {
    // A sequence in parentheses given as a bare list (or the reverse) still holds the same values in order.
    if ((reference.kind === 'sequence' && answer.kind === 'collection') || (reference.kind === 'collection' && answer.kind === 'sequence')) {
      return compareInOrder(reference.items, answer.items, context);
    }
    return different('structure', `${reference.kind}-vs-${answer.kind}`);
  }
  switch (reference.kind) {
    case 'choice':
      return reference.letter === (answer as typeof reference).letter ? equal('choice') : different('choice');
    case 'based': {
      const other = answer as typeof reference;
      return reference.digits === other.digits && reference.base === other.base ? equal('text') : different('text');
    }
    case 'sequence': {
      const other = answer as typeof reference;
      if (reference.open !== other.open || reference.close !== other.close) return different('structure', 'brackets');
      return compareInOrder(reference.items, other.items, context);
    }
    case 'collection':
      return compareCollections(reference.items, (answer as typeof reference).items, context);
    case 'union':
      return compareCollections(reference.parts, (answer as typeof reference).parts, context);
    case 'matrix': {
      const other = answer as typeof reference;
      if (reference.rows.length !== other.rows.length) return different('structure', 'matrix-shape');
      return compareInOrder(reference.rows.flat(), other.rows.flat(), context);
    }
    case 'equation':
      return compareEquations(reference, answer as typeof reference, context);
    case 'expression':
      return compareExpressions(reference.text, (answer as typeof reference).text, context);
  }
}
