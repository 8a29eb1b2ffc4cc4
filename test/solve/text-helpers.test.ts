import { describe, expect, it } from 'vitest';
import { TORA_SYNTAX, MATHCODER_SYNTAX, OPENMATH_SYNTAX } from '../../src/format/index.js';
import { reattachSpecialTokens } from '../../src/llm/http/tgi-special-tokens.js';
import { findStop, settledLength, StopStream } from '../../src/llm/stop-strings.js';
import { appendExecution, assistantBlocks } from '../../src/llm/transcript.js';
import { lastBoxedAnswer } from '../../src/solve/boxed-answer.js';
import { GenerationStream } from '../../src/solve/generation-stream.js';
import { LoopDetector } from '../../src/solve/loop-detector.js';
import type { SolveEvent } from '../../src/solve/types.js';

describe('the boxed answer', () => {
  it.each([
    ['The answer is \\( \\boxed{51} \\) dollars.', '51'],
    ['\\boxed{\\frac{1}{2}} or rather \\boxed{ \\frac{3}{4} }', '\\frac{3}{4}'],
    ['nested \\boxed{\\sqrt{2}+\\left\\{1\\right\\}}', '\\sqrt{2}+\\left\\{1\\right\\}'],
    ['\\fbox{7}', '7'],
    ['unclosed \\boxed{12', null],
    ['no box at all: 42', null],
  ])('%s → %s', (text, answer) => {
    expect(lastBoxedAnswer(text)).toBe(answer);
  });
});

describe('stop strings', () => {
  it('finds the earliest stop, and holds back text that may still become one', () => {
    expect(findStop('abc<|endofblock|>def<|endofmessage|>', ['<|endofmessage|>', '<|endofblock|>'])).toEqual({ index: 3, stop: '<|endofblock|>' });
    expect(settledLength('x = 1<|endof', ['<|endofblock|>'])).toBe(5);
    expect(settledLength('print(1)\n``', ['```output'])).toBe(9);
    expect(settledLength('caf\uFFFD', [])).toBe(3);
    const shown: string[] = [];
    const stream = new StopStream(['<|endofblock|>'], (delta) => shown.push(delta));
    for (const text of ['<|code|>x', '<|code|>x = 1<|end', '<|code|>x = 1<|endofblock|><|execution|>']) stream.update(text);
    expect(stream.finish()).toBe('<|code|>x = 1');
    expect(shown.join('')).toBe('<|code|>x = 1');
  });
});

describe('TGI special tokens', () => {
  const tokens = [
    { id: 32004, text: '<|text|>', special: true },
    { id: 10, text: 'Add', special: false },
    { id: 11, text: ' them', special: false },
    { id: 32007, text: '<|endofblock|>', special: true },
    { id: 32005, text: '<|code|>', special: true },
    { id: 12, text: '1+1', special: false },
    { id: 32007, text: '<|endofblock|>', special: true },
  ];

  it('puts every special token back where it was, several blocks in one generation', () => {
    expect(reattachSpecialTokens('Add them1+1', tokens)).toBe('<|text|>Add them<|endofblock|><|code|>1+1<|endofblock|>');
  });

  it("falls back to MathCoder's first-and-last repair when the token texts do not spell the text", () => {
    expect(reattachSpecialTokens('Add  them1+1', tokens)).toBe('<|text|>Add  them1+1<|endofblock|>');
  });
});

describe('the transcript layout of each syntax', () => {
  it('appends MathCoder executions right after the code block', () => {
    expect(appendExecution(MATHCODER_SYNTAX, '<|code|>1+1<|endofblock|>', '2')).toBe('<|code|>1+1<|endofblock|><|execution|>2<|endofblock|>');
  });

  it("appends Markdown output as ToRA does, and reads the blocks back without the layout's newlines", () => {
    const transcript = appendExecution(TORA_SYNTAX, 'Add them.\n```python\nprint(1+1)\n```\n', '2');
    expect(transcript).toBe('Add them.\n```python\nprint(1+1)\n```\n```output\n2\n```\n');
    expect(assistantBlocks(TORA_SYNTAX, `${transcript}So it is \\boxed{2}.`)).toEqual([
      { type: 'text', content: 'Add them.\n', closed: true, typeImplied: true },
      { type: 'code', content: 'print(1+1)', closed: true, typeImplied: false },
      { type: 'execution', content: '2', closed: true, typeImplied: false },
      { type: 'text', content: 'So it is \\boxed{2}.', closed: true, typeImplied: true },
    ]);
  });
});

describe('streaming a generation as blocks', () => {
  function events(pieces: readonly string[], continuing: 'text' | 'code' | null = null, syntax = MATHCODER_SYNTAX): SolveEvent[] {
    const seen: SolveEvent[] = [];
    const stream = new GenerationStream(syntax, 1, continuing, (event) => seen.push(event));
    for (const piece of pieces) stream.push(piece);
    stream.finish(pieces.join(''));
    return seen;
  }

  it('starts a block at its type token and never shows half a marker', () => {
    expect(events(['<|code|>', 'x = ', '1', '<|endofblock|>'])).toEqual([
      { type: 'block-start', blockType: 'code', round: 1 },
      { type: 'block-text', blockType: 'code', delta: 'x = ' },
      { type: 'block-text', blockType: 'code', delta: '1' },
    ]);
    const markdown = events(['Sum:\n`', '``py', 'thon\nprint(2)\n``', '`'], null, TORA_SYNTAX);
    expect(markdown.filter((event) => event.type === 'block-text').map((event) => (event as { delta: string }).delta).join('')).toBe('Sum:\nprint(2)');
    expect(markdown.filter((event) => event.type === 'block-start').map((event) => (event as { blockType: string }).blockType)).toEqual(['text', 'code']);
  });

  it("holds back a dialect's half-written tag", () => {
    const tagged = events(['Think.\n<tool_ca', 'll>\nprint(1)\n</tool', '_call>'], null, OPENMATH_SYNTAX);
    expect(tagged.filter((event) => event.type === 'block-start').map((event) => (event as { blockType: string }).blockType)).toEqual(['text', 'code']);
    expect(tagged.filter((event) => event.type === 'block-text').map((event) => (event as { delta: string }).delta).join('')).toBe('Think.\n\nprint(1)\n');
  });

  it('continues a block the previous call left open', () => {
    expect(events(['more code', '<|endofblock|>'], 'code')).toEqual([{ type: 'block-text', blockType: 'code', delta: 'more code' }]);
  });
});

describe('loop detection', () => {
  it('counts identical code blocks, ignoring surrounding white space', () => {
    const detector = new LoopDetector(3);
    expect([detector.isLoop('x = 1'), detector.isLoop('y = 2'), detector.isLoop('x = 1\n'), detector.isLoop(' x = 1')]).toEqual([false, false, false, true]);
    const off = new LoopDetector(null);
    expect([1, 2, 3, 4].map(() => off.isLoop('x'))).toEqual([false, false, false, false]);
  });
});
