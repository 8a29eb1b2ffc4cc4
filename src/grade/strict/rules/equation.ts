import { bindingGroups, computedValue, type Binding } from '../answer-bindings.js';
import { splitTopLevel } from '../answer-structure.js';
import { quote, type Decision, type RuleInput, type RuleTools, type StrictRule } from './strict-rule.js';

/**
 * Equations that bind values to names: `x = 1/3` is `1/3`, `(p,q)=(3,2)` is `(3,2)`, `AB=4,CD=5` is `4, 5`,
 * `x = 5+5+1 = 11` is `x = 11`; two sets of bindings are equal when they bind the same names to the same values,
 * in any order (`x=1,y=2` is `y=2,x=1`, but not `x=2,y=1`, and `x=1` is not `y=1`). An equation that binds no
 * name (`7 = 11a+c`, `2x+z=1`) is no value; general equations are compared by the value rule (up to a factor).
 */

const tuple = (group: readonly Binding[]) => (group.length === 1 ? group[0]!.value : `(${group.map((binding) => binding.value).join(',')})`);
const valuesOf = (groups: readonly (readonly Binding[])[]) => groups.map(tuple).join(',');
const show = (groups: readonly (readonly Binding[])[]) => groups.map((group) => group.map((binding) => `${binding.name} = ${binding.value}`).join(', ')).join('; ');

async function sameBindings(reference: readonly Binding[], answer: readonly Binding[], tools: RuleTools): Promise<boolean | 'names'> {
  const names = new Set(reference.map((binding) => binding.name));
  if (answer.length !== reference.length || !answer.every((binding) => names.has(binding.name))) return 'names';
  for (const binding of reference) {
    const other = answer.find((candidate) => candidate.name === binding.name)!;
    if (!(await tools.compare(binding.value, other.value)).equal) return false;
  }
  return true;
}

async function compareGroups(reference: readonly Binding[][], answer: readonly Binding[][], tools: RuleTools): Promise<Decision> {
  if (reference.length !== answer.length) return { equal: false, method: 'structure', why: `${answer.length} solutions given, ${reference.length} in the reference` };
  const used = new Set<number>();
  for (const group of reference) {
    let found = false;
    let names = true;
    for (const [index, candidate] of answer.entries()) {
      if (used.has(index)) continue;
      const same = await sameBindings(group, candidate, tools);
      if (same === true) {
        used.add(index);
        found = true;
        break;
      }
      if (same === false) names = false;
    }
    if (!found) {
      return { equal: false, method: 'structure', why: names ? `the answer binds other names (${quote(show(answer))}) than the reference (${quote(show(reference))})` : `${quote(show(answer))} binds other values than ${quote(show(reference))}` };
    }
  }
  return { equal: true, method: 'structure', why: `the same names bound to the same values (${quote(show(answer))})` };
}

/** Text for a loose "is this in the question" test: no spaces, braces, parentheses, `$`, `\left`/`\right`, products. */
const bare = (text: string) => text.replace(/\\left|\\right|\\!|\\cdot|\*|[\s{}()$]/g, '');

/** Whether the question asks for the expression on an equation's left (`z^3` in "Find $z^3.$"). */
function asks(question: string, left: string): boolean {
  const wanted = bare(left);
  return wanted !== '' && bare(question).includes(wanted);
}

async function decide(input: RuleInput, tools: RuleTools): Promise<Decision | null> {
  if (input.answers.length !== 1) return null;
  const reference = tools.normalize(input.reference);
  const answer = tools.normalize(input.answers[0]!.text);
  const referenceGroups = bindingGroups(reference);
  const answerGroups = bindingGroups(answer);
  if (referenceGroups && answerGroups) return compareGroups(referenceGroups, answerGroups, tools);
  if (referenceGroups || answerGroups) {
    const other = referenceGroups ? answer : reference;
    const otherValue = computedValue(other) ?? other;
    if (otherValue.includes('=')) return null;
    const values = valuesOf((referenceGroups ?? answerGroups)!);
    const comparison = referenceGroups ? await tools.compare(values, otherValue) : await tools.compare(otherValue, values);
    const bound = show((referenceGroups ?? answerGroups)!);
    return { equal: comparison.equal, method: comparison.method, ...(comparison.reason ? { reason: comparison.reason } : {}), why: `${quote(bound)} ${comparison.equal ? 'binds' : 'does not bind'} the value ${quote(otherValue)}` };
  }
  const computed = computedValue(answer);
  if (computed !== null) {
    const comparison = await tools.compare(input.reference, computed);
    return { equal: comparison.equal, method: comparison.method, why: `the computation ${quote(answer)} ends in ${quote(computed)}${comparison.equal ? ', the reference' : ''}` };
  }
  const [referenceSides, answerSides] = [splitTopLevel(reference, '='), splitTopLevel(answer, '=')];
  const [referenceEquation, answerEquation] = [referenceSides.length > 1, answerSides.length > 1];
  if (answerEquation && !referenceEquation && answerSides.every((side) => side !== '') && asks(input.question, answerSides[0]!)) {
    // `z^3 = -1` for "Find z^3": the value of what the question asks for (but `x^2-4=0` is an equation, not 0).
    const last = answerSides[answerSides.length - 1]!;
    if (!(last === '0' && /[a-zA-Z]/.test(answerSides[0]!))) {
      const comparison = await tools.compare(input.reference, last);
      return { equal: comparison.equal, method: comparison.method, ...(comparison.reason ? { reason: comparison.reason } : {}), why: `the answer ${quote(answer)} gives ${quote(last)}${comparison.equal ? ', the reference' : ''}` };
    }
  }
  if (referenceEquation !== answerEquation) {
    return { equal: false, method: 'structure', why: `${referenceEquation ? 'the reference' : 'the answer'} is an equation that binds no name (${quote(referenceEquation ? reference : answer)}), the other a value` };
  }
  return null;
}

export const equation: StrictRule = {
  name: 'equation',
  summary: 'bindings of values to names (x = 1/3, (p,q) = (3,2), systems in any order) against values or other bindings',
  decide,
  cases: [
    { reference: '1/3', answer: '\\boxed{x = \\frac{1}{3}}', expected: true, why: 'x = 1/3 is the value 1/3' },
    { reference: '(p,q)=(3,2)', answer: '$(3,2)$', expected: true, why: 'a tuple binding against its values' },
    { reference: 'x = 11', answer: '$x = 5+5+1 = 7 =11$', expected: true, why: 'a chain binds its last side' },
    { reference: 'x=1, y=2', answer: '\\boxed{y = 2, x = 1}', expected: true, why: 'a system in another order' },
    { reference: 'x=1, y=2', answer: '\\boxed{x = 2, y = 1}', expected: false, why: 'values swapped between the names' },
    { reference: 'x = 1', answer: '\\boxed{y = 1}', expected: false, why: 'another unknown' },
    { reference: '7 = 11a+c', answer: '$11a+c$', expected: false, why: 'the equation binds no name' },
    { reference: 'AB=4,CD=5', answer: '\\boxed{4, 5}', expected: true, why: 'values in the order of the bindings' },
    { reference: 'p=5,q=2;p=7,q=2', answer: '$(5,2),(7,2)$', expected: true, why: 'two solutions as tuples' },
    { reference: '\\frac{NO}{BO}=\\frac{1}{\\sqrt{6}}', answer: '$\\frac{1}{\\sqrt{6}}$', expected: true, why: 'a ratio of names is a name' },
    { reference: '400', answer: '\\boxed{0.04 \\cdot 10000 = 400}', expected: true, why: 'a computation is read as its result' },
    { question: 'Let $z$ be a complex number such that \\[z + \\frac{1}{z} = 1.\\]Find $z^3.$', reference: '-1', answer: 'the answer is:\n\\[\n\\boxed{z^3 = -1}\n\\]', expected: true, why: 'the value of the expression the question asks for' },
    { question: 'The numbers $\\sin x,$ $\\cos x,$ $\\tan x$ form a geometric sequence.  Find \\[\\cos^3 x + \\cos^2 x.\\]', reference: '1', answer: '\\boxed{\\sin^2(x) = 1}', expected: false, why: 'an equation about another expression than the one asked' },
    { reference: '2', answer: '\\boxed{x^2 - 4 = 0}', expected: false, why: 'an equation in standard form is not its right side' },
    { reference: '5', answer: '\\boxed{n \\equiv 5 \\pmod{17}}', expected: true, why: 'a congruence names the residue' },
  ],
};
