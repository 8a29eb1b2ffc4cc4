/**
 * The full vocabulary of a tokenizer in the terms a GGUF file stores it (`tokenizer.ggml.tokens`, `.scores`,
 * `.token_type`), so a llama.cpp model can be written with exactly the vocabulary the training data was made with.
 */

export const TOKEN_TYPES = ['normal', 'unknown', 'control', 'user-defined', 'unused', 'byte'] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];

/** llama.cpp's `llama_token_type` / SentencePiece's `ModelProto.SentencePiece.Type` numbering. */
export const GGUF_TOKEN_TYPE: Record<TokenType, number> = {
  normal: 1,
  unknown: 2,
  control: 3,
  'user-defined': 4,
  unused: 5,
  byte: 6,
};

export interface Vocabulary {
  /** Token strings by id, as the tokenizer writes them (SentencePiece's "▁" for a space, "<0x0A>" for a byte). */
  readonly tokens: readonly string[];
  /**
   * Merge priority by id, higher merges first (SentencePiece scores). From a tokenizer.model these are the file's
   * own scores; from a tokenizer.json (which stores merges, not scores) the score of a token is minus the rank of
   * the first merge that makes it, which gives llama.cpp's score-driven merging the same order as the BPE merges.
   */
  readonly scores: Float32Array;
  readonly types: readonly TokenType[];
  readonly bosId: number | null;
  readonly eosId: number | null;
  readonly unknownId: number | null;
  /** Whether a "▁" is put before every piece of text that starts the input or follows a special token. */
  readonly addSpacePrefix: boolean;
}
