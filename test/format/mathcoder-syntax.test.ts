import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PROMPT_OPTIONS,
  MATHCODER_SYNTAX,
  SYSTEM_PROMPTS,
  TOKENS,
  escapeSpecialTokens,
  parseMathcoderConversation,
  parseMathcoderGeneration,
  promptConversation,
  renderBlocks,
  renderConversation,
} from '../../src/format/index.js';

describe('MathCoder prompt rendering (SPEC 1.7)', () => {
  it('renders the released one-line prompt with the data-file system text and the "\\n" query suffix', () => {
    const text = renderConversation(promptConversation('What is 1+1?'));
    expect(text).toBe(
      '<|system|><|text|>Below is a math problem. Please solve it step by step.<|endofblock|><|endofmessage|>' +
        '<|user|><|text|>What is 1+1?\n<|endofblock|><|endofmessage|><|assistant|>',
    );
  });

  it('renders the empty system prompt of src/inference.py and the --syspt variant', () => {
    const empty = renderConversation(promptConversation('Q', { ...DEFAULT_PROMPT_OPTIONS, system: SYSTEM_PROMPTS.empty }));
    expect(empty).toBe('<|system|><|text|><|endofblock|><|endofmessage|><|user|><|text|>Q\n<|endofblock|><|endofmessage|><|assistant|>');
    const boxed = renderConversation(promptConversation('Q', { ...DEFAULT_PROMPT_OPTIONS, system: SYSTEM_PROMPTS.boxed }));
    expect(boxed).toContain('Please solve it step by step and put your answer in "\\boxed{}".<|endofblock|>');
  });

  it('leaves the system message out when system is null, and keeps a custom query suffix', () => {
    const text = renderConversation(promptConversation('Q', { system: null, querySuffix: "\nLet's think step by step.", bos: true }));
    expect(text).toBe("<|user|><|text|>Q\nLet's think step by step.<|endofblock|><|endofmessage|><|assistant|>");
  });

  it('never writes BOS as text: it is a setting the backend applies', () => {
    expect(DEFAULT_PROMPT_OPTIONS.bos).toBe(true);
    expect(renderConversation(promptConversation('Q'))).not.toContain('<s>');
  });

  it('renders blocks and refuses content that holds a special-token string', () => {
    expect(renderBlocks([{ type: 'code', content: 'x = 1' }])).toBe('<|code|>x = 1<|endofblock|>');
    expect(() => renderBlocks([{ type: 'execution', content: 'printed <|endofblock|>' }])).toThrow(/escapeSpecialTokens/);
    expect(renderBlocks([{ type: 'execution', content: escapeSpecialTokens('printed <|endofblock|>') }])).toBe(
      '<|execution|>printed <|\u200bendofblock|><|endofblock|>',
    );
  });
});

describe('parsing raw model text', () => {
  it('reads several blocks from one generation', () => {
    const parsed = parseMathcoderGeneration('<|text|>Let us compute.<|endofblock|><|code|>x = 2\nx<|endofblock|>');
    expect(parsed.blocks.map((b) => [b.type, b.content, b.closed])).toEqual([
      ['text', 'Let us compute.', true],
      ['code', 'x = 2\nx', true],
    ]);
    expect(parsed.endOfMessage).toBe(false);
  });

  it('keeps a last block that lost its <|endofblock|> to the token limit, marked unclosed', () => {
    const parsed = parseMathcoderGeneration('<|code|>for i in range(');
    expect(parsed.blocks).toEqual([{ type: 'code', content: 'for i in range(', closed: false, typeImplied: false }]);
  });

  it('reads the end of the message and ignores what follows it', () => {
    const parsed = parseMathcoderGeneration('<|text|>The answer is $\\boxed{2}$.<|endofblock|><|endofmessage|>junk');
    expect(parsed.endOfMessage).toBe(true);
    expect(parsed.trailing).toBe('junk');
    expect(parsed.blocks).toHaveLength(1);
  });

  it('takes text without a type token as text and reports stray role tokens', () => {
    const parsed = parseMathcoderGeneration('so x=2<|endofblock|><|assistant|><|endofblock|><|text|>next');
    expect(parsed.blocks.map((b) => [b.type, b.content, b.closed, b.typeImplied])).toEqual([
      ['text', 'so x=2', true, true],
      ['text', 'next', false, false],
    ]);
    expect(parsed.strays).toEqual(['<|assistant|>', '<|endofblock|>']);
  });

  it('closes an unterminated block when the next block starts', () => {
    const parsed = parseMathcoderGeneration('<|text|>a<|code|>b<|endofblock|>');
    expect(parsed.blocks.map((b) => [b.type, b.closed])).toEqual([
      ['text', false],
      ['code', true],
    ]);
  });

  it('parses a whole conversation back to its messages and says whether it is open', () => {
    const text =
      '<|system|><|text|>S<|endofblock|><|endofmessage|><|user|><|text|>Q\n<|endofblock|><|endofmessage|>' +
      '<|assistant|><|text|>t<|endofblock|><|code|>c<|endofblock|><|execution|>e<|endofblock|>';
    const conversation = parseMathcoderConversation(text);
    expect(conversation.open).toBe(true);
    expect(conversation.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant']);
    expect(conversation.messages[2]!.content.map((b) => b.type)).toEqual(['text', 'code', 'execution']);
    expect(renderConversation(conversation)).toBe(text);
    const ended = parseMathcoderConversation(text + TOKENS.endOfMessage);
    expect(ended.open).toBe(false);
    expect(MATHCODER_SYNTAX.render(ended)).toBe(text + TOKENS.endOfMessage);
  });

  it('rejects text the renderer cannot have written, naming the offset', () => {
    expect(() => parseMathcoderConversation('hello')).toThrow(/expected a role token.*character 0/);
    expect(() => parseMathcoderConversation('<|user|>loose text<|endofblock|><|endofmessage|>')).toThrow(/text outside a block/);
    expect(() => parseMathcoderConversation('<|user|><|text|>a<|endofmessage|>')).toThrow(/not ended/);
  });
});
