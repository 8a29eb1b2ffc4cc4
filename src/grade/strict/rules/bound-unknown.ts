import type { FinalAnswer } from '../../final-answers.js';
import { bindingGroups } from '../answer-bindings.js';
import { askedQuantities, askedVariable, asksForNumbers, contentWords } from '../question/question-reading.js';
import { decided, quote, type Decision, type RuleInput, type RuleTools, type StrictRule } from './strict-rule.js';

/**
 * Several answers bound to the unknowns they are for, when the reference holds one of them:
 * - "Solve … for w." and `a = -1, w = -5` (or `(a, w) = (-1, -5)`): the value bound to w;
 * - a word problem's labelled answers (`\boxed{102} adults and \boxed{25} children`,
 *   `\boxed{25 \text{ children and } 102 \text{ adults}}`, "the number of children is \boxed{25}"): the answer
 *   whose words name the quantity the reference is for. SimulEq's reference is the first quantity its question
 *   asks for; in other sets only a question that asks for one quantity binds. SimulEq answers that no words bind
 *   are taken in the order written (the first for the first quantity asked, as the authors' grader took them).
 */

interface Labelled {
  readonly value: string;
  /** Words right after the value (up to "and", a comma or the sentence end), and the words before it. */
  readonly after: string[];
  readonly before: string[];
}

const SEPARATOR = /\s*(?:\band\b|\bor\b|[,;]|\\quad)\s*/i;
const LEADING_NUMBER = /^\s*\\?\$?\s*(-?\d[\d,]*(?:\.\d+)?)\s*(.*)$/s;

/**
 * An answer as labelled values: one, or several in one box (`25 \text{ children and } 102 \text{ adults}`,
 * `\$12,000 at 3\% and \$6,000 at 5\%`, `64, 196`, `(12, 6)`, `D = 13, P = 27`, `\text{Main-level price} = \$40`).
 */
function labelled(answer: FinalAnswer, tools: RuleTools): Labelled[] {
  const plain = answer.text
    .replace(/\\text\{([^{}]*)\}/g, ' $1 ')
    .replace(/\\[,;!]|~|\\quad/g, ' ')
    .replace(/\\%/g, '%')
    .trim();
  const named = /^\s*\\text\{([^{}]*)\}\s*=\s*(.+)$/s.exec(answer.text);
  if (named) return [{ value: named[2]!, after: contentWords(named[1]!), before: [] }];
  const groups = bindingGroups(tools.normalize(answer.text));
  if (groups && groups.length === 1 && groups[0]!.length > 1) return groups[0]!.map((binding) => ({ value: binding.value, after: contentWords(binding.name), before: [] }));
  const list = /^\((.*)\)$/s.exec(plain)?.[1] ?? plain;
  const parts = list.split(/,\s+|;\s*|\s+and\s+|\s*,\s*(?=-?\d{1,2}(?:\.\d+)?\s*$)/).map((part) => LEADING_NUMBER.exec(part));
  if (parts.length >= 2 && parts.every((part) => part !== null && !/^[\d.,]/.test(part[2]!))) {
    return parts.map((part) => ({ value: part![1]!, after: contentWords(part![2]!.replace(/[.:]$/, '')), before: [] }));
  }
  const after = answer.after.split(SEPARATOR)[0] ?? '';
  const beforeParts = answer.before.split(SEPARATOR);
  // "40 \text{ liters of } 40\% \text{ acid solution}": the leading number, labelled by the words after it.
  const leading = LEADING_NUMBER.exec(plain);
  const value = leading && /^[A-Za-z%:]/.test(leading[2]!) ? leading[1]! : answer.text;
  const inside = value === answer.text ? [] : contentWords(leading![2]!);
  return [{ value, after: [...inside, ...contentWords(after)], before: contentWords(beforeParts[beforeParts.length - 1] ?? '') }];
}

/** How well each answer's words name each quantity (words the other quantities do not have): [answer][quantity]. */
function scores(answers: readonly Labelled[], quantities: readonly string[][]): number[][] {
  const distinct = quantities.map((words, index) => new Set(words.filter((word) => quantities.every((other, otherIndex) => otherIndex === index || !other.includes(word)))));
  return answers.map((answer) => {
    const byAfter = distinct.map((set) => answer.after.filter((word) => set.has(word)).length);
    return byAfter.some((score) => score > 0) ? byAfter : distinct.map((set) => answer.before.filter((word) => set.has(word)).length);
  });
}

function permutations(count: number): number[][] {
  if (count <= 1) return [[0]];
  return permutations(count - 1).flatMap((rest) => Array.from({ length: count }, (_, index) => [...rest.slice(0, index), count - 1, ...rest.slice(index)]));
}

/**
 * The answers bound to the first quantity: with as many answers as quantities (up to 5), the one-to-one matching
 * of best total score (when it is the only best and scores anything); otherwise the answer that names the first
 * quantity best, if only one does.
 */
function answersForFirst(table: readonly number[][], quantities: number): number[] {
  if (table.length === quantities && quantities >= 2 && quantities <= 5) {
    const totals = permutations(quantities).map((order) => ({ order, total: order.reduce((sum, quantity, answer) => sum + table[answer]![quantity]!, 0) }));
    const best = Math.max(...totals.map((entry) => entry.total));
    const winners = totals.filter((entry) => entry.total === best);
    if (best > 0 && winners.length === 1) return [winners[0]!.order.indexOf(0)];
  }
  const first = table.map((row) => row[0]!);
  const top = Math.max(...first);
  if (top === 0) return [];
  const named = first.flatMap((score, index) => (score === top ? [index] : []));
  // An answer must name the first quantity better than any other it could be for.
  return named.filter((index) => table[index]!.every((score, quantity) => quantity === 0 || score < top));
}

async function askedVariableDecision(input: RuleInput, tools: RuleTools, variable: string): Promise<Decision | null> {
  const bindings = input.answers.map((answer) => bindingGroups(tools.normalize(answer.text)));
  if (bindings.some((groups) => groups === null || groups.length !== 1)) return null;
  const all = bindings.flatMap((groups) => groups![0]!);
  const values = all.filter((binding) => binding.name === variable);
  if (values.length === 0) {
    return { equal: false, method: 'structure', why: `the question asks for ${variable}; the answer binds ${[...new Set(all.map((binding) => binding.name))].join(', ')}` };
  }
  if (all.length < 2) return null;
  const distinct = [...new Set(values.map((binding) => binding.value))];
  if (distinct.length > 1) return { equal: false, method: 'structure', why: `the answer binds ${variable} to ${distinct.length} values` };
  const comparison = await tools.compare(input.reference, distinct[0]!);
  return decided(comparison, `the question asks for ${variable}; the answer binds ${variable} = ${quote(distinct[0]!)}${comparison.equal ? ', the reference' : ''}`);
}

async function decide(input: RuleInput, tools: RuleTools): Promise<Decision | null> {
  if (input.question === '') return null;
  const variable = input.answers.some((answer) => answer.text.includes('=')) ? askedVariable(input.question) : null;
  if (variable) {
    const decision = await askedVariableDecision(input, tools, variable);
    if (decision) return decision;
  }
  const answers = input.answers.flatMap((answer) => labelled(answer, tools));
  if (answers.length < 2) return null;
  const quantities = askedQuantities(input.question);
  // SimulEq's convention; also where the dataset is unknown and the question asks for several quantities or for
  // "the numbers" (of the paper's sets, only SimulEq asks for several).
  const simuleq = input.dataset === 'simuleq' || (input.dataset === null && (quantities.length >= 2 || asksForNumbers(input.question)));
  if (!simuleq && quantities.length !== 1) return null;
  // A SimulEq question read as asking one quantity (or none) was not understood: its answers go by order.
  const chosen = simuleq && quantities.length <= 1 ? [] : answersForFirst(scores(answers, quantities), quantities.length);
  const asked = (quantities[0] ?? []).slice(0, 4).join(' ') || 'the first quantity';
  let agreed = chosen.length > 0;
  for (const index of chosen.slice(1)) if (agreed && !(await tools.compare(answers[chosen[0]!]!.value, answers[index]!.value)).equal) agreed = false;
  if (agreed) {
    const first = answers[chosen[0]!]!;
    const comparison = await tools.compare(input.reference, first.value);
    return decided(comparison, `the answer ${quote(first.value)} is the one for "${asked}"${simuleq ? ' (the first quantity asked, which SimulEq\'s reference is)' : ''}`);
  }
  if (!simuleq) return null;
  if (asksForNumbers(input.question)) {
    // "Find the two numbers": the numbers have no order, and the reference is one of them.
    for (const answer of answers) {
      const comparison = await tools.compare(input.reference, answer.value);
      if (comparison.equal) return decided(comparison, `the question asks for numbers in no order; ${quote(answer.value)}, one of the answers, is the reference`);
    }
    return { equal: false, method: 'structure', why: `the question asks for numbers in no order; none of the answers (${quote(answers.map((answer) => answer.value).join(', '))}) is the reference` };
  }
  // SimulEq: the reference is the first quantity asked; answers no words bind are taken in the order written
  // (the first that no words bind to another quantity).
  const table = quantities.length > 0 ? scores(answers, quantities) : answers.map(() => [0]);
  const unbound = answers.find((_, index) => table[index]!.every((score, quantity) => quantity === 0 || score === 0)) ?? answers[0]!;
  const comparison = await tools.compare(input.reference, unbound.value);
  return decided(comparison, `no answer is labelled for "${asked}"; the first written for no other quantity, ${quote(unbound.value)}, is taken for the first quantity asked, which SimulEq's reference is`);
}

export const boundUnknown: StrictRule = {
  name: 'bound-unknown',
  summary: 'several answers bound to their unknowns (by name or by the words around them); the one the reference is for decides',
  decide,
  cases: [
    { question: 'Solve 7486*a - 7481*a + 17 - 2 = -2*w, w + 2*a + 7 = 0 for w.', reference: '-5', answer: '\\boxed{a = -1, \\quad w = -5}', expected: true, why: 'w is bound to -5' },
    { question: 'Solve 7486*a - 7481*a + 17 - 2 = -2*w, w + 2*a + 7 = 0 for w.', reference: '-5', answer: '\\boxed{a = -5, \\quad w = -1}', expected: false, why: 'w is bound to -1' },
    { question: 'Solve -2*d - 7 = -3*i, -4*i + 13 = 15*d - 2*d - 12*d for i.', reference: '3', answer: 'The solution is \\boxed{d = 1}, \\boxed{i = 3}.', expected: true, why: 'one binding per box' },
    { question: 'Solve -5*r + 37 = l + 64, 0 = -8*l - r - 21 for l.', reference: '-2', answer: '\\boxed{r = -2, s = 3}', expected: false, why: 'no binding for l' },
    { dataset: 'simuleq', question: 'They charged 7 dollars for adults and 5 dollars for children. 127 adults and children attended. How many children and adults went to the film premiere?', reference: '25', answer: 'Thus, \\(\\boxed{102}\\) adults and \\(\\boxed{25}\\) children attended.', expected: true, why: 'the answer labelled children (asked first)' },
    { dataset: 'simuleq', question: 'How many children and adults went to the film premiere?', reference: '25', answer: '\\[\n\\boxed{25 \\text{ children and } 102 \\text{ adults}}\n\\]', expected: true, why: 'labelled values inside one box' },
    { dataset: 'simuleq', question: 'How many children and adults went to the film premiere?', reference: '25', answer: '\\boxed{25} adults and \\boxed{102} children', expected: false, why: 'the children are 102 in this answer' },
    { dataset: 'simuleq', question: 'How many senior citizen tickets were sold? How many regular tickets were sold?', reference: '24', answer: 'Therefore, the number of senior citizen tickets sold is \\( \\boxed{24} \\) and the number of regular tickets sold is \\( \\boxed{41} \\).', expected: true, why: 'labels before the boxes' },
    { dataset: 'simuleq', question: 'How many 200-dollar violins were sold? How many 300-dollar violins were sold?', reference: '5', answer: '\\[\n\\boxed{5}\n\\]\n\\[\n\\boxed{2}\n\\]', expected: true, why: 'unlabelled answers in the order asked' },
    { dataset: 'simuleq', question: 'The difference between two numbers is 20 and their sum is 48. Find the numbers.', reference: '14', answer: '\\[\n\\boxed{(34, 14)}\n\\]', expected: true, why: 'numbers asked in no order: the reference is one of them' },
    { dataset: 'simuleq', question: 'The sum of 2 numbers is 84. One number is 3 times the other. Find the smaller number. Find the larger number.', reference: '21', answer: 'the smaller number is \\( x = 63 \\) and the larger number is \\( y = 21 \\).\n\\[\n\\boxed{63, 21}\n\\]', expected: false, why: 'the first value written is for the smaller number asked first' },
    { dataset: 'simuleq', question: 'Angus invested 18,000 dollars , part at 3 % and part at 5 %. How much did he invest at 3 %? At 5 %?', reference: '12000', answer: '\\[\n\\boxed{\\$12,000 at 3% and \\$6,000 at 5%}\n\\]', expected: true, why: 'labelled values in one box' },
    { question: 'Adult tickets cost 5.50 dollars and children\'s 2.50. How many adults were at the show?', reference: '152', answer: 'There were \\(\\boxed{152}\\) adults and \\(\\boxed{76}\\) children.', expected: true, why: 'the question asks for adults only' },
  ],
};
