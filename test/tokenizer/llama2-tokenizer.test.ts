import { Tokenizer } from '@huggingface/tokenizers';
import { describe, expect, it } from 'vitest';
import { MATHCODER_SYNTAX, SPECIAL_TOKENS } from '../../src/format/index.js';
import { loadTokenizer } from '../../src/tokenizer/index.js';
import { scoreMergingEncode } from './score-merging-reference.js';
import { sharedTrajectories } from './trajectory-texts.js';

const tokenizer = loadTokenizer('llama2');
const texts = sharedTrajectories(23).map(({ conversation }) => MATHCODER_SYNTAX.render(conversation));

describe('the built-in llama2 tokenizer', () => {
  it("gives Hugging Face's Llama-2 ids for llama-tokenizer-js's published cases (BOS added as HF does)", () => {
    const cases: Array<[string, number[]]> = [
      ['Hello world', [1, 15043, 3186]],
      ['Hello world!', [1, 15043, 3186, 29991]],
      ['grabbed', [1, 2646, 1327, 287]],
      [' grabbed', [1, 29871, 2646, 1327, 287]],
      ['           grabbed', [1, 9651, 2646, 1327, 287]],
      ['\n', [1, 29871, 13]],
      [' \n', [1, 259, 13]],
      ['\ttabs\t\t\t\tout here', [1, 29871, 12, 21175, 12, 12, 12, 12, 449, 1244]],
      ['ax\n####\nboo', [1, 4853, 13, 4136, 13, 833, 29877]],
      ['镇', [1, 29871, 30411]],
      ['🦙', [1, 29871, 243, 162, 169, 156]],
      ['🦙Ꙋ', [1, 29871, 243, 162, 169, 156, 237, 156, 141]],
    ];
    for (const [text, ids] of cases) expect([tokenizer.bosId, ...tokenizer.encode(text)], JSON.stringify(text)).toEqual(ids);
  });

  it('reads the eight MathCoder tokens as single ids 32000-32007, in the order of the released models', () => {
    expect(tokenizer.size).toBe(32008);
    SPECIAL_TOKENS.forEach((token, index) => expect(tokenizer.encode(token)).toEqual([32000 + index]));
    // Like Hugging Face's legacy Llama tokenizer and llama.cpp, text after a special token gets the "▁" prefix.
    expect(tokenizer.encode('<|system|><|text|>Below is<|endofblock|>')).toEqual([32000, 32004, 13866, 338, 32007]);
    expect(tokenizer.encode('<|text|>', { specialTokens: false }).length).toBeGreaterThan(1);
  });

  it('gives the ids of @huggingface/tokenizers run on the whole text, and decodes back to the text', () => {
    const library = new Tokenizer(tokenizer.json, {});
    expect(texts.length).toBeGreaterThanOrEqual(200);
    for (const text of texts) {
      const ids = tokenizer.encode(text);
      expect(ids).toEqual(library.encode(text, { add_special_tokens: false }).ids);
      expect(tokenizer.decode(ids)).toBe(text);
    }
  });

  it("exports a vocabulary whose scores make llama.cpp's score-driven merging give the same ids", () => {
    const vocabulary = tokenizer.vocabulary();
    expect(vocabulary.tokens.length).toBe(32008);
    expect(vocabulary.tokens.slice(32000)).toEqual([...SPECIAL_TOKENS]);
    expect(vocabulary.types.slice(0, 4)).toEqual(['unknown', 'control', 'control', 'byte']);
    expect(vocabulary.types[258]).toBe('byte');
    expect(vocabulary.types[259]).toBe('normal');
    expect(new Set(vocabulary.types.slice(32000))).toEqual(new Set(['control']));
    expect([vocabulary.bosId, vocabulary.eosId, vocabulary.unknownId, vocabulary.addSpacePrefix]).toEqual([1, 2, 0, true]);
    const specials = [...tokenizer.addedTokens.keys()];
    const whitespace = Array.from({ length: 24 }, (_, n) => `x${' '.repeat(n)}y\n${' '.repeat(n)}`);
    for (const text of [...texts, ...whitespace]) expect(scoreMergingEncode(vocabulary, specials, text)).toEqual(tokenizer.encode(text));
  });
});
