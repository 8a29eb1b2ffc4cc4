import llamaTokenizer from 'llama-tokenizer-js';
import { SPECIAL_TOKENS } from '../../src/format/index.js';

/**
 * The Llama-2 vocabulary (32,000 SentencePiece pieces, from the npm package llama-tokenizer-js, which
 * tokenises as Llama-2 does: "Hello world" → [1, 15043, 3186]) plus MathCoder's eight special tokens as ids
 * 32000-32007, as the released MathCoder-L models add them. This is the one place tests and benches get the
 * vocabulary from.
 *
 * llama-tokenizer-js ships BPE merge priorities, not SentencePiece scores. llama.cpp's SPM tokenizer merges
 * the adjacent pair whose merged piece has the highest score (leftmost first on ties), so each piece gets the
 * score minus the rank of the first merge that produces it: llama.cpp then merges in the package's order.
 */

/** llama.cpp token types (llama_token_type). */
export const TOKEN_TYPE = { normal: 1, unknown: 2, control: 3, byte: 6 } as const;

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

const BYTE_PIECE = /^<0x[0-9A-F]{2}>$/;

export function llama2Vocabulary(options: VocabularyOptions = {}): Llama2Vocabulary {
  const pieces = llamaTokenizer.vocabById;
  const firstMerge = new Map<number, number>();
  for (const [pair, rank] of llamaTokenizer.merges) {
    const id = llamaTokenizer.vocabByString.get(pair.replace(' ', ''));
    if (id !== undefined && !firstMerge.has(id)) firstMerge.set(id, rank);
  }
  const special = options.specialTokens === false ? [] : [...SPECIAL_TOKENS];
  const tokens = [...pieces, ...special];
  const scores = new Float32Array(tokens.length);
  const types = new Int32Array(tokens.length);
  pieces.forEach((piece, id) => {
    const rank = firstMerge.get(id);
    scores[id] = rank === undefined ? -1e9 : -rank;
    if (id === 0) types[id] = TOKEN_TYPE.unknown;
    else if (id === 1 || id === 2) types[id] = TOKEN_TYPE.control;
    else if (BYTE_PIECE.test(piece)) types[id] = TOKEN_TYPE.byte;
    else types[id] = TOKEN_TYPE.normal;
    if (id <= 2 || types[id] === TOKEN_TYPE.byte) scores[id] = 0;
  });
  const specialTokenIds = new Map<string, number>();
  special.forEach((token, index) => {
    const id = pieces.length + index;
    types[id] = TOKEN_TYPE.control;
    scores[id] = 0;
    specialTokenIds.set(token, id);
  });
  return { tokens, scores, types, bosId: 1, eosId: 2, unknownId: 0, specialTokenIds };
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
