import { answerStructure, type AnswerStructure } from './answer-structure.js';
import { compareStructures, type Comparison } from './compare-answers.js';
import { normalizeAnswer, type NormalizedAnswer } from './extract-answer.js';
import type { SymbolicChecker } from './symbolic-checker.js';

/**
 * The strict grader's comparison of two answers' values (each one answer's text, already found in its message):
 * clean-up, structure (tuples, sets, matrices, equations), then text, exact and decimal numbers, sampled and
 * sympy-proven expressions (compare-answers.ts). A number written with a space or a decimal comma ("1 000",
 * "1000,99", "0,111") is read as one number when the other side is one number.
 */

interface ParsedAnswer {
  readonly normalized: NormalizedAnswer;
  readonly structure: AnswerStructure;
}

export interface CompareOptions {
  /** Decimal places the question asks for. */
  readonly decimals?: number | null;
  /** The question asks for a percentage: a number with `%` is that many percent, never also its hundredth. */
  readonly percentAsked?: boolean;
}

export interface ValueComparison {
  compare(reference: string, answer: string, options?: CompareOptions): Promise<Comparison>;
  /** The cleaned-up text of an answer (what a rule reads). */
  normalize(text: string): string;
}

const SINGLE_NUMBER = /^[+-]?(?:\d+(?:\.\d+)?|\.\d+)$/;

/** "1 000" (a space as thousands separator), "1000,99", "1,22", "0,111" (a decimal comma): one number, or null. */
function oneNumber(raw: string): string | null {
  const text = raw.replace(/\\[ ,!;:]|~|\$/g, ' ').trim();
  if (/^[+-]?\d{1,3}(?: \d{3})+(?:\.\d+)?$/.test(text)) return text.replace(/ /g, '');
  if (/^[+-]?\d+,\d{1,2}$|^[+-]?0,\d+$|^[+-]?\d+,\d{4,}$/.test(text)) return text.replace(',', '.');
  return null;
}

export function createValueComparison(checker: SymbolicChecker | null): ValueComparison {
  const cache = new Map<string, ParsedAnswer>();
  const parse = (text: string): ParsedAnswer => {
    let parsed = cache.get(text);
    if (parsed === undefined) {
      const normalized = normalizeAnswer(text);
      parsed = { normalized, structure: answerStructure(normalized.text) };
      if (cache.size > 50_000) cache.clear();
      cache.set(text, parsed);
    }
    return parsed;
  };
  const compareParsed = async (left: ParsedAnswer, right: ParsedAnswer, options: CompareOptions): Promise<Comparison> => {
    if (left.normalized.text === '' || right.normalized.text === '') return { equal: false, method: 'none', reason: 'empty' };
    if (left.normalized.text === right.normalized.text) return { equal: true, method: 'text' };
    return compareStructures(left.structure, right.structure, {
      checker,
      percent: options.percentAsked || left.normalized.percent === right.normalized.percent ? null : left.normalized.percent ? 'reference' : 'answer',
      decimals: options.decimals ?? null,
    });
  };
  return {
    normalize: (text) => parse(text).normalized.text,
    async compare(reference, answer, options = {}) {
      const left = parse(reference);
      const right = parse(answer);
      const verdict = await compareParsed(left, right, options);
      if (verdict.equal || verdict.reason === 'timeout') return verdict;
      // A number with a space or a decimal comma, against one number.
      const [a, b] = [oneNumber(reference), oneNumber(answer)];
      if ((a !== null || SINGLE_NUMBER.test(left.normalized.text)) && (b !== null || SINGLE_NUMBER.test(right.normalized.text)) && (a !== null || b !== null)) {
        const retried = await compareParsed(a === null ? left : parse(a), b === null ? right : parse(b), options);
        if (retried.equal) return retried;
      }
      return verdict;
    },
  };
}
