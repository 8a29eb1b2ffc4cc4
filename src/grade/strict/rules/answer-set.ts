import { decided, quote, type Decision, type RuleInput, type RuleTools, type StrictRule } from './strict-rule.js';

/**
 * Several final answers (after the rules that bind them to unknowns): the same value written more than once is
 * that value; different values are compared, in the order written, with a reference that holds several values
 * (`\boxed{1}\boxed{2}` is `1,2`; the roots `\boxed{-2}` and `\boxed{1}` are `\{1,-2\}`); against a reference that
 * is one value, different answers are a hedge and wrong.
 */

async function decide(input: RuleInput, tools: RuleTools): Promise<Decision | null> {
  if (input.answers.length < 2) return null;
  const texts = input.answers.map((answer) => answer.text);
  const distinct = [texts[0]!];
  for (const text of texts.slice(1)) {
    let repeated = false;
    for (const seen of distinct) {
      if ((await tools.compare(seen, text)).equal) {
        repeated = true;
        break;
      }
    }
    if (!repeated) distinct.push(text);
  }
  if (distinct.length === 1) {
    const comparison = await tools.compare(input.reference, distinct[0]!);
    return decided(comparison, `the ${texts.length} final answers are one value, ${quote(distinct[0]!)}${comparison.equal ? ', the reference' : ''}`);
  }
  const joined = distinct.join(', ');
  const comparison = await tools.compare(input.reference, joined);
  if (comparison.equal) return decided(comparison, `the final answers ${quote(joined)} are the reference's values`);
  const referenceItems = tools.normalize(input.reference).includes(',') || /^\(.*\)$|^\\\{.*\\\}$/.test(tools.normalize(input.reference));
  return decided(
    comparison,
    referenceItems ? `the final answers ${quote(joined)} are not the reference's values` : `${distinct.length} different final answers (${quote(joined)}) for a reference that is one value`,
  );
}

export const answerSet: StrictRule = {
  name: 'answer-set',
  summary: 'several final answers: one value written more than once, or the values of a reference that holds several',
  decide,
  cases: [
    { reference: '1,2', answer: '$\\boxed{1}\\boxed{2}$', expected: true, why: 'two boxes are the two values' },
    { reference: '\\{1, -2\\}', answer: 'The integers are \\boxed{-2} and \\boxed{1}.', expected: true, why: 'a set in another order' },
    { reference: '5', answer: 'each friend ate \\(\\boxed{5}\\) crackers and \\(\\boxed{5.0}\\) cakes.', expected: true, why: 'the same value twice' },
    { reference: '245', answer: 'He spends \\(\\boxed{24500}\\) cents or \\(\\boxed{245}\\) dollars.', expected: false, why: 'two different values for one quantity (units the grader does not convert)' },
    { reference: '12', answer: 'So the answer is \\boxed{12}, or maybe \\boxed{13}.', expected: false, why: 'a hedge between two values' },
    { reference: '-2 3 5', answer: '\\boxed{-2}, \\boxed{3}, \\boxed{5}', expected: true, why: 'a sorted list in the order written' },
  ],
};
