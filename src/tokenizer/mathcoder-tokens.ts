import { SPECIAL_TOKENS } from '../format/index.js';
import { MathcoderError } from '../errors.js';
import { modelTokens, specialAddedToken, type TokenizerJson } from './tokenizer-json.js';

/**
 * Adds MathCoder's eight special tokens to a tokenizer.json as Hugging Face's `add_special_tokens` does: those the
 * tokenizer already has keep their ids, the others get the next free ids in the order of SPECIAL_TOKENS
 * (Llama-2: 32000-32007, as in the released MathCoder-L models). Returns a new object.
 */
export function withMathcoderTokens(json: TokenizerJson, where: string): TokenizerJson {
  const added = [...json.added_tokens];
  for (const token of added) {
    if ((SPECIAL_TOKENS as readonly string[]).includes(token.content) && (token.lstrip || token.rstrip || token.single_word || token.normalized)) {
      throw new MathcoderError(
        'tokenizer',
        `${where} declares ${token.content} with lstrip, rstrip, single_word or normalized set: MathCoder's special tokens must match exactly, nothing stripped`,
      );
    }
  }
  const have = new Set(added.map((token) => token.content));
  const vocabulary = modelTokens(json);
  const vocabularyIds = new Map(vocabulary.map((token, id) => [token, id]));
  let nextId = Math.max(vocabulary.length, ...added.map((token) => token.id + 1));
  for (const token of SPECIAL_TOKENS) {
    if (have.has(token)) continue;
    const existing = vocabularyIds.get(token);
    added.push(specialAddedToken(existing ?? nextId, token));
    if (existing === undefined) nextId += 1;
  }
  return { ...json, added_tokens: added };
}

/** How prepare treats MathCoder's special tokens: add those missing (a base model), or require them (a MathCoder checkpoint). */
export type SpecialTokenPolicy = 'add' | 'require';

/** Refuses a tokenizer that does not read each of the eight special tokens as one id (SPEC 5.1 item 2). */
export function checkSpecialTokens(tokenizer: { encode(text: string): number[]; readonly source: string }): Map<string, number> {
  const ids = new Map<string, number>();
  for (const token of SPECIAL_TOKENS) {
    const encoded = tokenizer.encode(token);
    if (encoded.length !== 1) {
      throw new MathcoderError(
        'tokenizer',
        `the tokenizer ${tokenizer.source} splits ${token} into ${encoded.length} tokens (${encoded.join(', ')}): it lacks MathCoder's special tokens; let prepare add them (--special-tokens add) or use a MathCoder tokenizer`,
      );
    }
    ids.set(token, encoded[0]!);
  }
  return ids;
}
