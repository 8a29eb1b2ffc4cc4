import { questionValues } from '../question/question-definitions.js';
import { choiceOptions, type ChoiceOption } from '../question/question-reading.js';
import { rationalText } from '../question/rational.js';
import { quote, type RuleInput, type RuleTools, type StrictRule } from './strict-rule.js';

/**
 * Multiple choice, resolved through the options in the question ("(a) 0.2 (b) 1 (c) -0.1", "Which is greater:
 * v or g?", "… the nearest to 1 in 0.042, l, -1?"). The reference is a letter or a value; an answer is a letter
 * (`c`, `(c)`, `\text{(C)}`), a letter with its option (`(c) -0.1`, `c = 0`), an option's value, or an option's
 * name (`l`) whose value the question defines ("Let l = -0.25 + -0.75"). Equal when every answer picks the one
 * correct option. When the reference is none of the options whose values are known and exactly one option's value
 * is unknown, that option is the correct one.
 */

interface Option extends ChoiceOption {
  /** The option's value as text (a defined name's value), or null when it names an unknown value. */
  readonly value: string | null;
  readonly label: string;
}

const LETTER_ANSWER = /^(?:\\text\{|\\textbf\{|\\mathrm\{)?\s*\(?\s*([A-Ja-j])\s*\)?\s*\}?\s*(?:[:=.)]\s*|\s+|$)(.*)$/s;

function options(question: string): Option[] {
  const found = choiceOptions(question);
  if (found.length < 2) return [];
  const needsValues = found.some((option) => /^[a-zA-Z]\w*$/.test(option.text));
  const values = needsValues ? questionValues(question) : new Map();
  return found.map((option) => {
    const named = /^[a-zA-Z]\w*$/.test(option.text);
    const defined = named ? values.get(option.text) : undefined;
    const value = named ? (defined === undefined ? null : rationalText(defined)) : option.text;
    return { ...option, value, label: option.letter ? `(${option.letter})` : option.text };
  });
}

async function optionsEqualTo(text: string, list: readonly Option[], tools: RuleTools): Promise<number[]> {
  const matches: number[] = [];
  for (const [index, option] of list.entries()) {
    if (option.value !== null && (await tools.compare(option.value, text)).equal) matches.push(index);
  }
  return matches;
}

/** The option an answer picks: 'contradiction' when its letter and value disagree, null when it picks none. */
async function pickedOption(text: string, list: readonly Option[], tools: RuleTools): Promise<number | 'contradiction' | null> {
  const plain = text.replace(/^\$|\$$/g, '').trim();
  const byName = list.findIndex((option) => option.letter === null ? option.text === plain : /^[a-zA-Z]\w*$/.test(option.text) && option.text === plain);
  const lettered = list.some((option) => option.letter !== null) ? LETTER_ANSWER.exec(plain) : null;
  if (lettered) {
    const letterIndex = list.findIndex((option) => option.letter === lettered[1]!.toLowerCase());
    const rest = lettered[2]!.replace(/^\}|\}$/g, '').trim();
    if (letterIndex !== -1 && (byName === -1 || list[byName]!.letter === null)) {
      if (rest === '' || rest === list[letterIndex]!.text) return letterIndex;
      const byValue = await optionsEqualTo(rest, list, tools);
      if (byValue.length === 0 || byValue.includes(letterIndex)) return letterIndex;
      return 'contradiction';
    }
  }
  if (byName !== -1) return byName;
  const byValue = await optionsEqualTo(plain, list, tools);
  return byValue.length === 1 ? byValue[0]! : null;
}

async function decide(input: RuleInput, tools: RuleTools) {
  const list = options(input.question);
  if (list.length === 0) return null;
  const referenceLetter = list.some((option) => option.letter !== null) ? /^(?:\\text\{)?\s*\(?([A-Ja-j])\)?\s*\}?$/.exec(input.reference.trim()) : null;
  let correct: number[];
  let inferred = false;
  if (referenceLetter) {
    correct = list.flatMap((option, index) => (option.letter === referenceLetter[1]!.toLowerCase() ? [index] : []));
  } else {
    correct = await optionsEqualTo(input.reference, list, tools);
    const unknown = list.flatMap((option, index) => (option.value === null ? [index] : []));
    if (correct.length === 0 && unknown.length === 1) {
      correct = unknown;
      inferred = true;
    }
  }
  if (correct.length !== 1) return null;
  const right = list[correct[0]!]!;
  const picked = await Promise.all(input.answers.map((answer) => pickedOption(answer.text, list, tools)));
  const rightText = inferred ? `${right.label}, the only option whose value the question leaves unknown and the reference is no other option` : `${right.label}${right.value !== null && right.value !== right.text ? ` = ${right.value}` : right.letter ? ` ${right.text}` : ''}`;
  if (picked.some((choice) => choice === 'contradiction')) {
    return { equal: false, method: 'choice' as const, why: `the answer names one option and the value of another; the reference is ${rightText}` };
  }
  if (picked.some((choice) => choice === null)) {
    // An answer that is no option: a value equal to the reference still answers the question.
    if (input.answers.length === 1) {
      const comparison = await tools.compare(input.reference, input.answers[0]!.text);
      return { equal: comparison.equal, method: comparison.method, why: comparison.equal ? `"${quote(input.answers[0]!.text)}" is no option as written but is the reference's value, ${rightText}` : `"${quote(input.answers[0]!.text)}" is none of the options; the reference is ${rightText}` };
    }
    return { equal: false, method: 'choice' as const, why: `an answer is none of the options; the reference is ${rightText}` };
  }
  const chosen = [...new Set(picked as number[])];
  if (chosen.length > 1) return { equal: false, method: 'choice' as const, why: `the answers pick ${chosen.length} different options; the reference is ${rightText}` };
  const choice = list[chosen[0]!]!;
  return chosen[0] === correct[0]
    ? { equal: true, method: 'choice' as const, why: `"${quote(input.answers[0]!.text)}" picks ${choice.label}, the reference ${rightText}` }
    : { equal: false, method: 'choice' as const, why: `"${quote(input.answers[0]!.text)}" picks ${choice.label}${choice.value !== null && choice.value !== choice.text ? ` = ${choice.value}` : ''}; the reference is ${rightText}` };
}

export const multipleChoice: StrictRule = {
  name: 'multiple-choice',
  summary: 'an answer picks an option of the question (letter, value or named option); equal when it is the reference\'s option',
  decide,
  cases: [
    { question: 'Which is the closest to -32?  (a) 0.2  (b) 1  (c) -0.1', reference: '-0.1', answer: 'Thus, the answer is \\(\\boxed{c}\\).', expected: true, why: 'the letter of the option that is the reference' },
    { question: 'Which is the closest to -32?  (a) 0.2  (b) 1  (c) -0.1', reference: '-0.1', answer: '\\boxed{(c) -0.1}', expected: true, why: 'letter and value agree' },
    { question: 'Which is the closest to -32?  (a) 0.2  (b) 1  (c) -0.1', reference: '-0.1', answer: '\\boxed{(a) 0.2}', expected: false, why: 'another option' },
    { question: 'Which is the closest to -0.3?  (a) 0.1  (b) 0.4  (c) 54  (d) 4/5', reference: '0.1', answer: '\\boxed{\\text{(a) 0.1}}', expected: true, why: 'a letter and its value in \\text{}' },
    { question: 'Which is the closest to -0.3?  (a) 0.1  (b) 0.4  (c) 54  (d) 4/5', reference: '0.1', answer: '\\boxed{-0.1}', expected: false, why: '-0.1 is no option and not the reference' },
    { question: 'Which is the closest to -0.1?  (a) 48546  (b) -46  (c) -5  (d) 0.4', reference: '0.4', answer: '\\boxed{(b) 0.4}', expected: false, why: 'the letter names -46, the value names (d): a contradiction' },
    { question: 'Let d = -0.9 + 0.5. Let l = -0.25 + -0.75. Which is the second smallest value?  (a) l  (b) d  (c) -0.5', reference: '-0.5', answer: 'the answer is \\( \\boxed{l} \\).', expected: false, why: 'l = -1 by the question\'s definition, not -0.5' },
    { question: 'Let i = 62.0059 - 17.0059. Let z = 7/6 + -3/2. Which is the biggest value?  (a) z  (b) i  (c) -3', reference: '45.0', answer: '\\boxed{i}', expected: true, why: 'the option named i is 45' },
    { question: 'Let f be 75/12 + (-2)/8. Let m = f - -2. Which is the third smallest value?  (a) m  (b) -1/4  (c) -3', reference: '8.0', answer: '\\boxed{(a)}', expected: true, why: 'option (a) is m = 8' },
    { question: 'Let g = 0.28 - 2.28. Let v = 0.3 + -1.3. Which is greater: v or g?', reference: '-1.0', answer: 'Therefore, the answer is \\(\\boxed{v}\\).', expected: true, why: 'v = -1, the reference' },
    { question: 'Let g = 79 + -83. Suppose 15 = -0*j - 3*j + 5*s, 0 = -3*s. Which is the closest to j?  (a) 5  (b) g  (c) -1/3', reference: '-4', answer: '\\boxed{g}', expected: true, why: 'g = -4' },
    { question: 'Which is the nearest to 0?  (a) -1/10  (b) -4  (c) -3', reference: '-0.1', answer: '\\boxed{(c)}', expected: false, why: 'option (c) is -3' },
    { question: 'Which is the biggest value?  (a) -5  (b) -2/35  (c) -0.04  (d) 5  (e) 4  (f) 31', reference: '31', answer: '\\boxed{(f) 31}', expected: true, why: 'letter and value of the right option' },
    { question: 'Let r be -4 + ((-201)/(-16))/3. Which is the closest to 2/7?  (a) -3/8  (b) 0.4  (c) r', reference: '0.1875', answer: '\\boxed{r}', expected: true, why: 'r = 0.1875 by the question, whatever the text around the box computed' },
    { question: 'What is the nearest to 1 in 0.042, l, -1?', reference: '0.042', answer: '\\boxed{-1}', expected: false, why: '-1 is another option' },
    { question: 'Which is greater: 4 or 179?', reference: '179', answer: '\\boxed{179.0}', expected: true, why: 'the option that is the reference, written as a decimal' },
  ],
};
