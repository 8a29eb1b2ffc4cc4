import llamaTokenizer from 'llama-tokenizer-js';
import { SPECIAL_TOKENS } from '../../src/format/index.js';
import { GGUF_TOKEN_TYPE, checkSpecialTokens, loadTokenizer } from '../../src/tokenizer/index.js';

/**
 * The Llama-2 vocabulary as a GGUF stores it, taken from the project's own built-in `llama2` tokenizer
 * (src/tokenizer: the 32,000 pieces and merges of Meta's tokenizer, shipped by the npm package
 * llama-tokenizer-js, "Hello world" → [1, 15043, 3186]), with MathCoder's eight special tokens as ids
 * 32000-32007, as the released MathCoder-L models add them. The tiny GGUF models are written from it, so
 * llama.cpp and the training tokenizer read one vocabulary.
 *
 * A tokenizer.json stores merges, not SentencePiece scores: each piece's score is minus the rank of the first
 * merge that produces it, so llama.cpp's score-driven SPM merging follows the BPE merge order.
 */

/** llama.cpp token types (llama_token_type). */
export const TOKEN_TYPE = { normal: GGUF_TOKEN_TYPE.normal, unknown: GGUF_TOKEN_TYPE.unknown, control: GGUF_TOKEN_TYPE.control, byte: GGUF_TOKEN_TYPE.byte } as const;

export interface Llama2Vocabulary {
  readonly tokens: readonly string[];
  readonly scores: Float32Array;
  readonly types: Int32Array;
  readonly bosId: number;
  readonly eosId: number;
  readonly unknownId: number;
  /** The id of each MathCoder special token (32000-32007 when they are included). */
  readonly specialTokenIds: ReadonlyMap<string, number>;
}

export interface VocabularyOptions {
  /** Append MathCoder's eight special tokens (default true); false gives plain Llama-2. */
  readonly specialTokens?: boolean;
}

const cache = new Map<boolean, Llama2Vocabulary>();

export function llama2Vocabulary(options: VocabularyOptions = {}): Llama2Vocabulary {
  const withSpecial = options.specialTokens !== false;
  const cached = cache.get(withSpecial);
  if (cached) return cached;
  const tokenizer = loadTokenizer('llama2');
  const vocabulary = tokenizer.vocabulary();
  const size = withSpecial ? vocabulary.tokens.length : vocabulary.tokens.length - SPECIAL_TOKENS.length;
  const specialTokenIds = withSpecial ? checkSpecialTokens(tokenizer) : new Map<string, number>();
  const result: Llama2Vocabulary = {
    tokens: vocabulary.tokens.slice(0, size),
    scores: vocabulary.scores.slice(0, size),
    types: Int32Array.from(vocabulary.types.slice(0, size), (type) => GGUF_TOKEN_TYPE[type]),
    bosId: vocabulary.bosId!,
    eosId: vocabulary.eosId!,
    unknownId: vocabulary.unknownId!,
    specialTokenIds,
  };
  cache.set(withSpecial, result);
  return result;
}

/**
 * Tokenises as llama.cpp does with this vocabulary and special-token parsing on: the strings of special tokens
 * (`<unk>`, `<s>`, `</s>` and MathCoder's eight) become their ids, every other stretch of text is
 * SentencePiece-encoded on its own, with a space added in front when `addSpacePrefix` (llama.cpp's
 * `add_space_prefix`, which it applies after every special token).
 */
export function llama2Tokenize(text: string, vocabulary: Llama2Vocabulary, options: { bos?: boolean; addSpacePrefix?: boolean } = {}): number[] {
  const ids: number[] = options.bos ? [vocabulary.bosId] : [];
  const specials = new Map<string, number>([['<unk>', vocabulary.unknownId], ['<s>', vocabulary.bosId], ['</s>', vocabulary.eosId], ...vocabulary.specialTokenIds]);
  const names = [...specials.keys()].map((token) => token.replace(/[|]/g, '\\|'));
  const parts = text.split(new RegExp(`(${names.join('|')})`));
  let previousSpecial = true;
  for (const part of parts) {
    const special = specials.get(part);
    if (special !== undefined) {
      ids.push(special);
      previousSpecial = true;
      continue;
    }
    if (part === '') continue;
    ids.push(...llamaTokenizer.encode(part, false, Boolean(options.addSpacePrefix) && previousSpecial));
    previousSpecial = false;
  }
  return ids;
}
