import type { Grader, Verdict } from '../types.js';
import { answerStructure, type AnswerStructure } from './answer-structure.js';
import { compareStructures } from './compare-answers.js';
import { extractStrictAnswer, normalizeAnswer, type NormalizedAnswer } from './extract-answer.js';
import type { SymbolicChecker } from './symbolic-checker.js';

export interface StrictGraderOptions {
  /** sympy in a sandbox for expressions with variables; without it they are judged at sample points only. */
  readonly checker?: SymbolicChecker | null;
}

interface ParsedAnswer {
  readonly normalized: NormalizedAnswer;
  readonly structure: AnswerStructure;
}

/** `strict`: the careful grader (see compare-answers.ts for the rules). References are parsed once and cached. */
export function createStrictGrader(options: StrictGraderOptions = {}): Grader {
  const cache = new Map<string, ParsedAnswer>();
  const parse = (text: string): ParsedAnswer => {
    let parsed = cache.get(text);
    if (parsed === undefined) {
      const normalized = normalizeAnswer(extractStrictAnswer(text));
      parsed = { normalized, structure: answerStructure(normalized.text) };
      if (cache.size > 50_000) cache.clear();
      cache.set(text, parsed);
    }
    return parsed;
  };
  return {
    name: 'strict',
    extract: (completionText) => extractStrictAnswer(completionText),
    async equivalent(reference, answer): Promise<Verdict> {
      const left = parse(reference);
      const right = parse(answer);
      if (left.normalized.text === '' || right.normalized.text === '') return { equal: false, method: 'none', reason: 'empty' };
      if (left.normalized.text === right.normalized.text) return { equal: true, method: 'text' };
      return compareStructures(left.structure, right.structure, {
        checker: options.checker ?? null,
        percent: left.normalized.percent === right.normalized.percent ? null : left.normalized.percent ? 'reference' : 'answer',
      });
    },
  };
}
