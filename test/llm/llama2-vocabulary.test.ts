import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPECIAL_TOKENS } from '../../src/format/index.js';
import { readJsonlSync } from '../../src/util/jsonl.js';
import { loadLlamaCppTokenizer, type LlamaCppTokenizer } from '../helpers/llama-cpp-tokenizer.js';
import { llama2Tokenize, llama2Vocabulary } from '../helpers/llama2-vocabulary.js';
import { trajectoryFiles } from '../helpers/shared.js';
import { temporaryModelFolder } from '../helpers/tiny-gguf.js';

const vocabulary = llama2Vocabulary();
const folder = temporaryModelFolder();
let withPrefix: LlamaCppTokenizer;
let withoutPrefix: LlamaCppTokenizer;

beforeAll(async () => {
  withPrefix = await loadLlamaCppTokenizer(folder.folder, { addSpacePrefix: true });
  withoutPrefix = await loadLlamaCppTokenizer(folder.folder, { addSpacePrefix: false });
});

afterAll(async () => {
  await withPrefix?.close();
  await withoutPrefix?.close();
  folder.remove();
});

/** Every text of the first rows of each published file: questions, reasoning, code, outputs. */
function sharedTexts(rowsPerFile: number): string[] {
  return trajectoryFiles().flatMap((file) =>
    readJsonlSync(file)
      .slice(0, rowsPerFile)
      .flatMap((line) => (line.value as { debug_result: Array<{ content: string }> }).debug_result.map((entry) => entry.content)),
  );
}

describe('the tiny GGUF vocabulary in llama.cpp', () => {
  it('is Llama-2 plus MathCoder-L\'s eight special tokens at ids 32000-32007', () => {
    expect(vocabulary.tokens).toHaveLength(32008);
    expect(SPECIAL_TOKENS.map((token) => vocabulary.specialTokenIds.get(token))).toEqual([32000, 32001, 32002, 32003, 32004, 32005, 32006, 32007]);
    expect(withPrefix.tokenize('Hello world', { bos: true })).toEqual([1, 15043, 3186]);
  });

  it('reads each special token as one token only when special tokens are parsed, so text cannot inject them', () => {
    for (const [index, token] of SPECIAL_TOKENS.entries()) {
      expect(withoutPrefix.tokenize(token)).toEqual([32000 + index]);
      expect(withoutPrefix.tokenize(token, { special: false }).length).toBeGreaterThan(1);
      expect(withoutPrefix.detokenize([32000 + index])).toBe(token);
      expect(withoutPrefix.detokenize([32000 + index], { special: false })).toBe('');
    }
    expect(withoutPrefix.tokenize('<|code|>x = 1<|endofblock|>')).toEqual([32005, ...llama2Tokenize('x = 1', vocabulary), 32007]);
  });

  it('tokenises the published trajectories exactly as llama-tokenizer-js does, with and without add_space_prefix', () => {
    const texts = sharedTexts(25);
    expect(texts.length).toBeGreaterThan(1500);
    const differing = (tokenizer: LlamaCppTokenizer, addSpacePrefix: boolean) =>
      texts.filter((text) => tokenizer.tokenize(text).join(',') !== llama2Tokenize(text, vocabulary, { addSpacePrefix }).join(','));
    expect(differing(withoutPrefix, false)).toEqual([]);
    expect(differing(withPrefix, true)).toEqual([]);
  });

  it('adds a space after special tokens only with add_space_prefix', () => {
    const text = '<|text|>To solve<|endofblock|>';
    expect(withPrefix.tokenize(text)).toEqual([32004, ...llama2Tokenize('To solve', vocabulary, { addSpacePrefix: true }), 32007]);
    expect(withPrefix.detokenize(withPrefix.tokenize(text))).toBe('<|text|> To solve<|endofblock|>');
    expect(withoutPrefix.detokenize(withoutPrefix.tokenize(text))).toBe(text);
  });
});
