import { displayAnswers, finalAnswers, lastNumberAllowed, type FinalAnswer } from '../final-answers.js';
import type { GradeContext, Grader, Verdict } from '../types.js';
import { askedDecimals, asksForPercent } from './question/question-reading.js';
import { answerSet } from './rules/answer-set.js';
import { boundUnknown } from './rules/bound-unknown.js';
import { equation } from './rules/equation.js';
import { multipleChoice } from './rules/multiple-choice.js';
import { primeFactors } from './rules/prime-factors.js';
import { relation } from './rules/relation.js';
import { quote, type RuleInput, type RuleTools, type StrictRule } from './rules/strict-rule.js';
import { rounding, value } from './rules/value.js';
import type { SymbolicChecker } from './symbolic-checker.js';
import { createValueComparison } from './value-comparison.js';

export interface StrictGraderOptions {
  /** sympy in a sandbox for expressions with variables; without it they are judged at sample points only. */
  readonly checker?: SymbolicChecker | null;
}

/**
 * The strict grader's rules, in the order they are asked; the first that decides gives the verdict (and its
 * name, and why). Rules that read the question come first, the comparison by value last.
 */
export const STRICT_RULES: readonly StrictRule[] = [multipleChoice, primeFactors, boundUnknown, answerSet, relation, equation, rounding, value];

/**
 * `strict`: the careful grader. It reads every final answer of the model's message (the `final-answers@1`
 * policy), the reference, and the question when it is given, and asks its rules in turn.
 */
export function createStrictGrader(options: StrictGraderOptions = {}): Grader {
  const values = createValueComparison(options.checker ?? null);
  const references = new Map<string, string>();
  const referenceText = (reference: string): string => {
    let text = references.get(reference);
    if (text === undefined) {
      const answers = finalAnswers(reference).answers.map((answer) => answer.text);
      text = answers.length > 0 ? answers.join(', ') : reference.trim();
      if (references.size > 50_000) references.clear();
      references.set(reference, text);
    }
    return text;
  };
  const found = new Map<string, readonly FinalAnswer[]>();
  const answersOf = (text: string, context: GradeContext = {}): readonly FinalAnswer[] => {
    const options = { lastNumber: context.lastNumber ?? lastNumberAllowed(context.dataset), prose: context.complete ?? true };
    const key = `${Number(options.lastNumber)}${Number(options.prose)}${text}`;
    let answers = found.get(key);
    if (answers === undefined) {
      answers = finalAnswers(text, options).answers;
      if (found.size > 50_000) found.clear();
      found.set(key, answers);
    }
    return answers;
  };
  return {
    name: 'strict',
    extract: (text, context) => displayAnswers(answersOf(text, context).map((answer) => answer.text)),
    extractAll: (text, context) => answersOf(text, context).map((answer) => answer.text),
    async equivalent(reference, answer, context = {}): Promise<Verdict> {
      const answers = answersOf(answer, context);
      if (answers.length === 0) return { equal: false, method: 'none', reason: 'empty', rule: 'no-answer', why: 'the message has no final answer' };
      const question = context.question ?? '';
      const input: RuleInput = {
        reference: referenceText(reference),
        answers,
        question,
        dataset: context.dataset ?? null,
        decimals: (question === '' ? null : askedDecimals(question)) ?? context.decimals ?? null,
      };
      // The same answer after clean-up: every rule would say so; no need to ask them.
      if (answers.length === 1 && values.normalize(answers[0]!.text) !== '' && values.normalize(answers[0]!.text) === values.normalize(input.reference)) {
        return { equal: true, method: 'text', rule: 'value', why: `${quote(answers[0]!.text)} and ${quote(input.reference)}: the same text after clean-up` };
      }
      const options = { decimals: input.decimals, percentAsked: question !== '' && asksForPercent(question) };
      const tools: RuleTools = { compare: (a, b) => values.compare(a, b, options), normalize: values.normalize };
      for (const rule of STRICT_RULES) {
        const decision = await rule.decide(input, tools);
        if (decision) return { ...decision, rule: rule.name };
      }
      return { equal: false, method: 'none', rule: 'value', why: 'no rule could compare these answers' };
    },
  };
}
