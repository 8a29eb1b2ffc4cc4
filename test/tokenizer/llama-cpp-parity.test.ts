import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MATHCODER_SYNTAX, SPECIAL_TOKENS } from '../../src/format/index.js';
import { loadTokenizer, type TextTokenizer } from '../../src/tokenizer/index.js';
import { loadLlamaCppTokenizer, type LlamaCppTokenizer } from '../helpers/llama-cpp-tokenizer.js';
import { temporaryModelFolder } from '../helpers/tiny-gguf.js';
import { sharedTrajectories } from './trajectory-texts.js';

/**
 * Two independent tokenizer implementations must agree: the training tokenizer (src/tokenizer, HF tokenizers
 * over the Llama-2 tokenizer.json) and llama.cpp's own SentencePiece tokenizer reading the tiny GGUF of the solve
 * tests, which carries the same Llama-2 vocabulary and MathCoder's special tokens.
 */
const folder = temporaryModelFolder();
let llamaCpp: LlamaCppTokenizer;
let tokenizer: TextTokenizer;

beforeAll(async () => {
  tokenizer = loadTokenizer('llama2');
  llamaCpp = await loadLlamaCppTokenizer(folder.folder, { addSpacePrefix: tokenizer.vocabulary().addSpacePrefix });
});

afterAll(async () => {
  await llamaCpp?.close();
  folder.remove();
});

describe('training tokenizer vs llama.cpp on the same vocabulary', () => {
  it('gives each special token one id, 32000-32007, in both', () => {
    SPECIAL_TOKENS.forEach((token, index) => {
      expect(tokenizer.encode(token, { specialTokens: true })).toEqual([32000 + index]);
      expect(llamaCpp.tokenize(token)).toEqual([32000 + index]);
    });
  });

  it('tokenises 200 shared trajectories, special tokens included, to the same ids', () => {
    const trajectories = sharedTrajectories(23).slice(0, 200);
    expect(trajectories).toHaveLength(200);
    let tokens = 0;
    for (const { where, conversation } of trajectories) {
      const text = MATHCODER_SYNTAX.render(conversation);
      const ours = tokenizer.encode(text, { specialTokens: true });
      const theirs = llamaCpp.tokenize(text, { special: true });
      expect(ours, where).toEqual(theirs);
      tokens += ours.length;
    }
    expect(tokens).toBeGreaterThan(50_000);
  });
});
