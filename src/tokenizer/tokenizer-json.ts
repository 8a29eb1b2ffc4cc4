import { z } from 'zod';
import { MathcoderError } from '../errors.js';

/**
 * The parts of a Hugging Face `tokenizer.json` (the fast-tokenizer file) that mathcoder reads. Everything else is
 * kept as it is and handed to @huggingface/tokenizers, which implements the pipeline.
 */

export const addedTokenSchema = z.looseObject({
  id: z.number().int().nonnegative(),
  content: z.string().min(1),
  single_word: z.boolean().optional(),
  lstrip: z.boolean().optional(),
  rstrip: z.boolean().optional(),
  normalized: z.boolean().optional(),
  special: z.boolean().optional(),
});

export type AddedTokenJson = z.infer<typeof addedTokenSchema>;

export const tokenizerJsonSchema = z.looseObject({
  added_tokens: z.array(addedTokenSchema).default([]),
  normalizer: z.unknown().optional(),
  pre_tokenizer: z.unknown().optional(),
  post_processor: z.unknown().optional(),
  decoder: z.unknown().optional(),
  model: z.looseObject({
    type: z.string().optional(),
    vocab: z.unknown(),
    merges: z.array(z.union([z.string(), z.tuple([z.string(), z.string()])])).optional(),
    unk_token: z.string().nullable().optional(),
    byte_fallback: z.boolean().optional(),
    end_of_word_suffix: z.string().nullable().optional(),
    continuing_subword_suffix: z.string().nullable().optional(),
    continuing_subword_prefix: z.string().nullable().optional(),
  }),
});

export type TokenizerJson = z.infer<typeof tokenizerJsonSchema>;

export function parseTokenizerJson(value: unknown, where: string): TokenizerJson {
  const result = tokenizerJsonSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new MathcoderError('tokenizer', `${where}: not a Hugging Face tokenizer.json: field ${issue.path.join('.') || '(file)'}: ${issue.message}`);
  }
  return result.data;
}

/** A BPE model's merges as pairs, whichever of the two spellings the file uses ("a b" or ["a", "b"]). */
export function mergePairs(json: TokenizerJson): Array<readonly [string, string]> {
  return (json.model.merges ?? []).map((merge) => {
    if (Array.isArray(merge)) return merge;
    const space = merge.indexOf(' ');
    return [merge.slice(0, space), merge.slice(space + 1)] as const;
  });
}

/** The model's vocabulary as token strings by id (BPE and WordPiece store a map, Unigram a list of [piece, score]). */
export function modelTokens(json: TokenizerJson): string[] {
  const vocab = json.model.vocab;
  const tokens: string[] = [];
  if (Array.isArray(vocab)) {
    vocab.forEach((entry, id) => (tokens[id] = Array.isArray(entry) ? String(entry[0]) : String(entry)));
  } else if (vocab !== null && typeof vocab === 'object') {
    for (const [token, id] of Object.entries(vocab as Record<string, number>)) tokens[id] = token;
  }
  return tokens;
}

export function specialAddedToken(id: number, content: string): AddedTokenJson {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
}

export interface SentencePieceBpeParts {
  /** Token strings by id. */
  readonly tokens: readonly string[];
  readonly merges: ReadonlyArray<readonly [string, string]>;
  /** Tokens split off before tokenisation (`<unk>`, `<s>`, `</s>`, …), with their ids. */
  readonly addedTokens: readonly AddedTokenJson[];
  readonly unknownToken: string;
  readonly bosToken: string | null;
}

/**
 * The tokenizer.json that Hugging Face's LlamaConverter writes for a SentencePiece BPE model (Llama, Llama-2,
 * CodeLlama, "legacy" mode): a "▁" is prepended to every piece of text and spaces become "▁", then BPE with byte
 * fallback; BOS is added by the post-processor.
 */
export function sentencePieceBpeTokenizerJson(parts: SentencePieceBpeParts): TokenizerJson {
  const vocab: Record<string, number> = {};
  parts.tokens.forEach((token, id) => (vocab[token] = id));
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [...parts.addedTokens],
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'Prepend', prepend: '▁' },
        { type: 'Replace', pattern: { String: ' ' }, content: '▁' },
      ],
    },
    pre_tokenizer: null,
    post_processor:
      parts.bosToken === null
        ? null
        : {
            type: 'TemplateProcessing',
            single: [{ SpecialToken: { id: parts.bosToken, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
            pair: [
              { SpecialToken: { id: parts.bosToken, type_id: 0 } },
              { Sequence: { id: 'A', type_id: 0 } },
              { SpecialToken: { id: parts.bosToken, type_id: 1 } },
              { Sequence: { id: 'B', type_id: 1 } },
            ],
            special_tokens: { [parts.bosToken]: { id: parts.bosToken, ids: [vocab[parts.bosToken]], tokens: [parts.bosToken] } },
          },
    decoder: {
      type: 'Sequence',
      decoders: [
        { type: 'Replace', pattern: { String: '▁' }, content: ' ' },
        { type: 'ByteFallback' },
        { type: 'Fuse' },
        { type: 'Strip', content: ' ', start: 1, stop: 0 },
      ],
    },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: parts.unknownToken,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: true,
      byte_fallback: true,
      vocab,
      merges: parts.merges.map(([left, right]) => `${left} ${right}`),
    },
  };
}
