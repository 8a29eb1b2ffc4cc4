import { describe, expect, it } from 'vitest';
import { ANSWER_POLICY, finalAnswers, lastNumberAllowed, publishedLastMessage, type AnswerPolicyOptions } from '../../src/grade/final-answers.js';

/** The `final-answers@1` extraction policy, one row per rule: [text, options, source, answers]. */
const rows: ReadonlyArray<readonly [string, string, AnswerPolicyOptions, string, readonly string[]]> = [
  ['every box, in order', 'Thus, \\(\\boxed{102}\\) adults and \\(\\boxed{25}\\) children attended.', {}, 'boxed', ['102', '25']],
  ['a repeated box once', 'the answer should be \\boxed{004}. So \\boxed{004} is correct.\n\n**Final Answer**\n\\boxed{004}', {}, 'boxed', ['004']],
  ['an empty box is no answer', "Now, let's put our answer in \\(\\boxed{}\\):\n\n\\[\n\\boxed{-2, 3, 5}\n\\]", {}, 'boxed', ['-2, 3, 5']],
  ['boxes that are the subject of "is" are not answers', 'The nearest among \\( \\boxed{-0.3}, \\boxed{x}, \\boxed{m} \\) is \\( \\boxed{-0.3} \\).', {}, 'boxed', ['-0.3']],
  ['nested braces and \\fbox', 'So $x = \\fbox{\\frac{9}{7}}$.', {}, 'boxed', ['\\frac{9}{7}']],
  ['"Final Answer: The final answer is X. I hope it is correct."', 'so 14. Final Answer: The final answer is $14{,}916$. I hope it is correct.', {}, 'final-answer', ['$14{,}916$']],
  ['a final-answer sentence after the boxes wins', '$= \\boxed{200}$ then $= \\boxed{255}$. Final Answer: The final answer is $10,455$. I hope it is correct.', {}, 'final-answer', ['$10,455$']],
  ['a final-answer sentence in words gives its one value', 'Final Answer: Jane started growing Sphere 3 hours ago. I hope it is correct.', {}, 'final-answer', ['3']],
  ["GSM8K's #### N", 'She pays 5 + 7 = 12 dollars.\n#### 12', {}, 'hashes', ['12']],
  ['"the answer is X"', 'Therefore, the answer is 189.', {}, 'answer-is', ['189']],
  ['a bare answer is its own answer', '25 \\text{ children and } 102 \\text{ adults}', {}, 'bare', ['25 \\text{ children and } 102 \\text{ adults}']],
  ['an answer after the word answer', 'Answer $ 9 $', {}, 'answer-is', ['$ 9 $']],
  ['an answer after a label', 'Here is a zero matrix: $ \\begin{pmatrix}0 \\end{pmatrix} $', {}, 'math', ['\\begin{pmatrix}0 \\end{pmatrix}']],
  ['prose: the math of the last sentence that holds a value, names left out', 'We find $y = 6$. So, the ordered pair $(x, y)$ that solves the system is $(7, 6)$.', {}, 'math', ['(7, 6)']],
  ['prose: the last number only where the dataset allows it', 'Therefore, the probability that Alice wins the game is 2/3.', { lastNumber: true }, 'last-number', ['2/3']],
  ['prose: no last number otherwise', 'Therefore, the probability that Alice wins the game is two thirds', {}, 'none', []],
  ['a number inside a word is none', 'The code is AZYUK2A and nothing else', { lastNumber: true }, 'none', []],
  ['a message cut short mid-sentence gives no prose answer', 'The correct interpretation is:\nAfter buying', { lastNumber: true }, 'none', []],
  ['an incomplete message gives marked answers only', 'We have \\( j = -129 \\). Given that, we can substitute to find', { prose: false, lastNumber: true }, 'none', []],
  ['after a reasoning model\'s </think>', '<think> maybe \\boxed{5} </think> The integers are \\boxed{-2} and \\boxed{1}.', {}, 'boxed', ['-2', '1']],
];

describe(`the ${ANSWER_POLICY} answer-extraction policy`, () => {
  it.each(rows)('%s', (_rule, text, options, source, answers) => {
    const found = finalAnswers(text, options);
    expect(found.policy).toBe(ANSWER_POLICY);
    expect({ source: found.source, answers: found.answers.map((answer) => answer.text) }).toEqual({ source, answers });
  });

  it('keeps the words around each answer, for binding it to the unknown it answers', () => {
    const [adults, children] = finalAnswers('Thus, \\(\\boxed{102}\\) adults and \\(\\boxed{25}\\) children attended.').answers;
    expect(adults!.after).toContain('adults');
    expect(children!.after).toContain('children');
    expect(finalAnswers('the number of senior citizen tickets sold is \\(\\boxed{24}\\).').answers[0]!.before).toContain('senior citizen tickets');
  });

  it('allows the last number on the datasets of plain-number answers', () => {
    expect(['gsm8k', 'svamp', 'simuleq'].every(lastNumberAllowed)).toBe(true);
    expect(['math', 'mathematics', null, undefined].some(lastNumberAllowed)).toBe(false);
  });

  it("reads a published row's last message: the model's final text, not the completion the runs appended", () => {
    const finished = publishedLastMessage([{ role: 'code', content: 'x' }, { role: 'text', content: 'So \\boxed{4}.' }, { role: 'text', content: '4' }], '4');
    expect(finished).toEqual({ text: 'So \\boxed{4}.', complete: true });
    const unfinished = publishedLastMessage([{ role: 'code', content: 'x = 1' }, { role: 'execution', content: '73' }], '73');
    expect(unfinished).toEqual({ text: '73', complete: false });
  });
});
