import llamaTokenizer from 'llama-tokenizer-js';
import { sentencePieceBpeTokenizerJson, specialAddedToken, type TokenizerJson } from './tokenizer-json.js';

/**
 * The Llama / Llama-2 tokenizer (also CodeLlama-34B's) without any download: llama-tokenizer-js ships the
 * 32,000 token strings and 61,249 merges of Meta's tokenizer.json, from which the same tokenizer.json is rebuilt.
 */
export const BUILTIN_LLAMA2 = 'llama2';

export function llama2TokenizerJson(): TokenizerJson {
  const tokens = llamaTokenizer.vocabById;
  const merges = [...llamaTokenizer.merges.entries()]
    .sort((left, right) => left[1] - right[1])
    .map(([merge]) => {
      const space = merge.indexOf(' ');
      return [merge.slice(0, space), merge.slice(space + 1)] as const;
    });
  return sentencePieceBpeTokenizerJson({
    tokens,
    merges,
    addedTokens: [specialAddedToken(0, '<unk>'), specialAddedToken(1, '<s>'), specialAddedToken(2, '</s>')],
    unknownToken: '<unk>',
    bosToken: '<s>',
  });
}
