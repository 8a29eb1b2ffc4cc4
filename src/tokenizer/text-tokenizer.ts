import { Tokenizer } from '@huggingface/tokenizers';
import { MathcoderError } from '../errors.js';
import { mergePairs, modelTokens, type AddedTokenJson, type TokenizerJson } from './tokenizer-json.js';
import type { TokenType, Vocabulary } from './vocabulary.js';

export interface EncodeOptions {
  /**
   * Whether the tokenizer's added tokens (`<s>`, `</s>`, `<unk>` and MathCoder's eight) written in the text are
   * read as their single ids (true, the default, as Hugging Face and llama.cpp's `parse_special` do) or as text.
   */
  readonly specialTokens?: boolean;
}

/** A stretch of the input and the ids it became: either one added token, or the plain text between two. */
export interface TokenSection {
  readonly start: number;
  readonly end: number;
  readonly ids: readonly number[];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Merges can never join a "▁" that follows another character to what came before it. */
function mergesStayInsideWords(json: TokenizerJson): boolean {
  if (json.model.type !== 'BPE' || json.pre_tokenizer != null) return false;
  if (json.model.end_of_word_suffix || json.model.continuing_subword_suffix || json.model.continuing_subword_prefix) return false;
  return mergePairs(json).every(([left, right]) => !(right.startsWith('▁') && !left.endsWith('▁')));
}

/**
 * A tokenizer loaded from a tokenizer.json, run by @huggingface/tokenizers. Added tokens are split off first (each
 * becomes its id, honouring lstrip/rstrip), then every piece of text between them goes through the library's
 * normaliser, pre-tokeniser and model, exactly as its own `encode` does. For SentencePiece-style BPE (Llama) whose
 * merges never cross a word start, pieces are also cut into words before BPE, which gives the same ids (checked
 * from the merges when the tokenizer is built) and lets the library's word cache work.
 */
export class TextTokenizer {
  private readonly library: Tokenizer;
  private readonly addedByContent: ReadonlyMap<string, AddedTokenJson>;
  private readonly addedPattern: RegExp | null;
  private readonly splitWords: boolean;
  private readonly tokenIds: ReadonlyMap<string, number>;
  private readonly tokensById: readonly string[];

  constructor(
    readonly json: TokenizerJson,
    /** Where the tokenizer came from (a path, `llama2`, an HF id), for messages and the run manifest. */
    readonly source: string,
    private readonly sentencePiece: { scores: readonly number[]; types: readonly TokenType[] } | null = null,
  ) {
    try {
      this.library = new Tokenizer(json, {});
    } catch (error) {
      throw new MathcoderError('tokenizer', `${source}: the tokenizer cannot be built (${(error as Error).message})`);
    }
    this.addedByContent = new Map(json.added_tokens.map((token) => [token.content, token]));
    const contents = json.added_tokens.map((token) => token.content).sort((a, b) => b.length - a.length);
    this.addedPattern = contents.length === 0 ? null : new RegExp(contents.map(escapeRegExp).join('|'), 'g');
    this.splitWords = mergesStayInsideWords(json);
    this.tokenIds = this.library.get_vocab(true);
    const tokens = modelTokens(json);
    for (const token of json.added_tokens) tokens[token.id] = token.content;
    this.tokensById = tokens;
  }

  /** Number of ids, added tokens included. */
  get size(): number {
    return this.tokensById.length;
  }

  get bosId(): number | null {
    return this.specialId(['<s>', '<|begin_of_text|>', '<bos>']);
  }

  get eosId(): number | null {
    return this.specialId(['</s>', '<|end_of_text|>', '<eos>', '<|endoftext|>']);
  }

  private specialId(candidates: readonly string[]): number | null {
    for (const candidate of candidates) {
      const token = this.addedByContent.get(candidate);
      if (token) return token.id;
    }
    return null;
  }

  /** The ids of the tokens split off before tokenisation, by their text. */
  get addedTokens(): ReadonlyMap<string, number> {
    return new Map([...this.addedByContent].map(([content, token]) => [content, token.id]));
  }

  tokenToId(token: string): number | undefined {
    return this.tokenIds.get(token);
  }

  idToToken(id: number): string | undefined {
    return this.tokensById[id];
  }

  encode(text: string, options: EncodeOptions = {}): number[] {
    if (options.specialTokens === false) return this.encodePlain(text, 0);
    return this.encodeSections(text).flatMap((section) => section.ids);
  }

  /** Tokenises text with its added tokens read as ids, keeping where in the text every group of ids came from. */
  encodeSections(text: string): TokenSection[] {
    const sections: Array<{ start: number; end: number; added: AddedTokenJson | null }> = [];
    let position = 0;
    if (this.addedPattern) {
      const pattern = new RegExp(this.addedPattern.source, 'g');
      for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
        if (match.index > position) sections.push({ start: position, end: match.index, added: null });
        sections.push({ start: match.index, end: match.index + match[0].length, added: this.addedByContent.get(match[0])! });
        position = match.index + match[0].length;
      }
    }
    if (position < text.length) sections.push({ start: position, end: text.length, added: null });
    const result: TokenSection[] = [];
    sections.forEach((section, index) => {
      if (section.added) {
        result.push({ start: section.start, end: section.end, ids: [section.added.id] });
        return;
      }
      let piece = text.slice(section.start, section.end);
      if (sections[index + 1]?.added?.lstrip) piece = piece.trimEnd();
      if (sections[index - 1]?.added?.rstrip) piece = piece.trimStart();
      if (piece.length > 0) result.push({ start: section.start, end: section.end, ids: this.encodePlain(piece, index) });
    });
    return result;
  }

  /** Plain text (no added tokens read) through the library's normaliser, pre-tokeniser and model. */
  private encodePlain(piece: string, sectionIndex: number): number[] {
    const { normalizer, pre_tokenizer: preTokenizer, model } = this.library;
    const normalized = normalizer ? normalizer.normalize(piece) : piece;
    if (normalized.length === 0) return [];
    const words: string[] = this.splitWords
      ? (normalized.match(/▁*[^▁]+|▁+$/gu) ?? [])
      : preTokenizer
        ? preTokenizer.pre_tokenize(normalized, { section_index: sectionIndex })
        : [normalized];
    const tokens: string[] = model!.encode(words);
    const unknown = model!.unk_token_id;
    return tokens.map((token) => model!.tokens_to_ids.get(token) ?? unknown ?? 0);
  }

  /**
   * The text of ids, added tokens written out. Each run of ids between two added tokens is decoded on its own, so
   * the space a SentencePiece tokenizer puts before every piece of text is taken off again: for such tokenizers
   * (Llama) decode(encode(text)) is text.
   */
  decode(ids: readonly number[]): string {
    let text = '';
    let run: number[] = [];
    const flush = (): void => {
      if (run.length > 0) text += this.library.decode(run, { skip_special_tokens: false, clean_up_tokenization_spaces: false });
      run = [];
    };
    for (const id of ids) {
      const token = this.tokensById[id];
      if (token !== undefined && this.addedByContent.get(token)?.id === id) {
        flush();
        text += token;
      } else {
        run.push(id);
      }
    }
    flush();
    return text;
  }

  /** Every token string, score and type by id, as a GGUF vocabulary stores them. */
  vocabulary(): Vocabulary {
    const size = this.size;
    const scores = new Float32Array(size);
    const types: TokenType[] = new Array<TokenType>(size).fill('normal');
    if (this.sentencePiece) {
      this.sentencePiece.scores.forEach((score, id) => (scores[id] = score));
      this.sentencePiece.types.forEach((type, id) => (types[id] = type));
    } else {
      const pairs = mergePairs(this.json);
      const firstRank = new Map<string, number>();
      pairs.forEach(([left, right], rank) => {
        const merged = left + right;
        if (!firstRank.has(merged)) firstRank.set(merged, rank);
      });
      const byteFallback = this.json.model.byte_fallback === true;
      this.tokensById.forEach((token, id) => {
        const rank = firstRank.get(token);
        scores[id] = rank === undefined ? -pairs.length : -rank || 0;
        if (byteFallback && /^<0x[0-9A-F]{2}>$/.test(token)) types[id] = 'byte';
      });
    }
    const unknownToken = this.json.model.unk_token;
    for (const token of this.json.added_tokens) {
      types[token.id] = token.content === unknownToken ? 'unknown' : token.special ? 'control' : 'user-defined';
      scores[token.id] = 0;
    }
    const unknownId = unknownToken ? (this.tokenIds.get(unknownToken) ?? null) : null;
    return {
      tokens: [...this.tokensById],
      scores,
      types,
      bosId: this.bosId,
      eosId: this.eosId,
      unknownId,
      addSpacePrefix: JSON.stringify(this.json.normalizer ?? null).includes('"Prepend"'),
    };
  }
}
