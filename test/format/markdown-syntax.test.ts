import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PROMPT_OPTIONS,
  QWEN_SYNTAX,
  QWEN_TIR_SYSTEM,
  TORA_SYNTAX,
  getSyntax,
  promptConversation,
  publishedConversation,
  publishedTrajectory,
  parsePublishedRow,
  type Conversation,
} from '../../src/format/index.js';
import { readJsonlSync } from '../../src/util/jsonl.js';
import { sharedPath } from '../helpers/shared.js';

const toraText =
  '<|user|>\nWhat is 2+3?\n<|assistant|>\nLet me compute it.\n```python\nprint(2 + 3)\n```\n```output\n5\n```\nThe answer is $\\boxed{5}$.';

describe('the ToRA/Qwen Markdown syntax behind the same interface', () => {
  it('parses a ToRA trajectory into text, code and execution blocks and renders it back exactly', () => {
    const conversation = TORA_SYNTAX.parse(toraText);
    expect(conversation.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(conversation.messages[1]!.content).toEqual([
      { type: 'text', content: 'Let me compute it.\n' },
      { type: 'code', content: 'print(2 + 3)' },
      { type: 'text', content: '\n' },
      { type: 'execution', content: '5' },
      { type: 'text', content: '\nThe answer is $\\boxed{5}$.' },
    ]);
    expect(TORA_SYNTAX.render(conversation)).toBe(toraText);
  });

  it('renders a Qwen2.5-Math tool-integrated prompt in ChatML', () => {
    const prompt = promptConversation('What is 2+3?', { ...DEFAULT_PROMPT_OPTIONS, system: QWEN_TIR_SYSTEM, querySuffix: '' });
    expect(QWEN_SYNTAX.render(prompt)).toBe(
      `<|im_start|>system\n${QWEN_TIR_SYSTEM}<|im_end|>\n<|im_start|>user\nWhat is 2+3?<|im_end|>\n<|im_start|>assistant\n`,
    );
    const finished: Conversation = {
      messages: [...prompt.messages.slice(0, 2), { role: 'assistant', content: [{ type: 'text', content: 'It is 5.' }] }],
      open: false,
    };
    const text = QWEN_SYNTAX.render(finished);
    expect(text.endsWith('It is 5.<|im_end|>\n')).toBe(true);
    expect(QWEN_SYNTAX.parse(text)).toEqual(finished);
  });

  it('reads a generation that stopped at ```output, and one with an unclosed code fence', () => {
    const parsed = TORA_SYNTAX.parseGeneration('Compute.\n```python\nx = 2\nprint(x)\n```\n');
    expect(parsed.blocks.map((b) => [b.type, b.content, b.closed])).toEqual([
      ['text', 'Compute.\n', true],
      ['code', 'x = 2\nprint(x)', true],
      ['text', '\n', true],
    ]);
    const cut = TORA_SYNTAX.parseGeneration('```python\nfor i in');
    expect(cut.blocks).toEqual([{ type: 'code', content: 'for i in', closed: false, typeImplied: false }]);
    const qwenEnd = QWEN_SYNTAX.parseGeneration('So $\\boxed{5}$.<|im_end|>\n');
    expect(qwenEnd.endOfMessage).toBe(true);
    expect(qwenEnd.blocks).toHaveLength(1);
  });

  it('round-trips the published MathCoder trajectories written in Markdown', () => {
    const rows = readJsonlSync(sharedPath('trajectories', 'mathcoder-cl-7b', 'simuleq.jsonl'));
    for (const { lineNumber, value } of rows) {
      const trajectory = publishedTrajectory(parsePublishedRow(value, `simuleq.jsonl:${lineNumber}`));
      const conversation = publishedConversation(trajectory);
      for (const syntax of [TORA_SYNTAX, QWEN_SYNTAX]) {
        const text = syntax.render(conversation);
        expect(syntax.render(syntax.parse(text))).toBe(text);
      }
    }
  });

  it('names the known syntaxes for an unknown one', () => {
    expect(getSyntax('qwen')).toBe(QWEN_SYNTAX);
    expect(() => getSyntax('chatml')).toThrow('unknown syntax "chatml"; known: mathcoder, tora, qwen');
  });
});
