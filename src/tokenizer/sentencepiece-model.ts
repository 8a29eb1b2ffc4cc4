import { MathcoderError } from '../errors.js';
import type { TokenType } from './vocabulary.js';
import { sentencePieceBpeTokenizerJson, specialAddedToken, type TokenizerJson } from './tokenizer-json.js';

/**
 * Reads a SentencePiece `tokenizer.model` (a `ModelProto` protocol buffer) and turns a BPE model (Llama, Llama-2,
 * CodeLlama) into the tokenizer.json Hugging Face's LlamaConverter makes of it. Only the fields needed are read:
 * pieces (string, score, type), the trainer's model type and special ids, and the normaliser's dummy prefix.
 */

export interface SentencePiece {
  readonly piece: string;
  readonly score: number;
  readonly type: TokenType;
}

export interface SentencePieceModel {
  readonly pieces: readonly SentencePiece[];
  /** TrainerSpec.model_type: 1 unigram, 2 BPE, 3 word, 4 char. */
  readonly modelType: number;
  readonly byteFallback: boolean;
  readonly unknownId: number;
  readonly bosId: number;
  readonly eosId: number;
  readonly addDummyPrefix: boolean;
}

const PIECE_TYPES: Record<number, TokenType> = { 1: 'normal', 2: 'unknown', 3: 'control', 4: 'user-defined', 5: 'unused', 6: 'byte' };

class ProtoReader {
  position = 0;
  constructor(
    private readonly bytes: Uint8Array,
    private readonly end = bytes.length,
  ) {}

  get done(): boolean {
    return this.position >= this.end;
  }

  varint(): number {
    let result = 0;
    let multiplier = 1;
    for (;;) {
      if (this.position >= this.end) throw new Error('truncated varint');
      const byte = this.bytes[this.position++]!;
      result += (byte & 0x7f) * multiplier;
      if ((byte & 0x80) === 0) return result;
      multiplier *= 128;
    }
  }

  /** Reads a field key; returns [field number, wire type]. */
  key(): [number, number] {
    const key = this.varint();
    return [Math.floor(key / 8), key & 7];
  }

  bytesField(): Uint8Array {
    const length = this.varint();
    if (this.position + length > this.end) throw new Error('truncated length-delimited field');
    const value = this.bytes.subarray(this.position, this.position + length);
    this.position += length;
    return value;
  }

  float32(): number {
    if (this.position + 4 > this.end) throw new Error('truncated float');
    const value = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.position, 4).getFloat32(0, true);
    this.position += 4;
    return value;
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.position += 8;
    else if (wireType === 2) this.bytesField();
    else if (wireType === 5) this.position += 4;
    else throw new Error(`unsupported wire type ${wireType}`);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function readPiece(bytes: Uint8Array): SentencePiece {
  const reader = new ProtoReader(bytes);
  let piece = '';
  let score = 0;
  let type: TokenType = 'normal';
  while (!reader.done) {
    const [field, wireType] = reader.key();
    if (field === 1 && wireType === 2) piece = utf8.decode(reader.bytesField());
    else if (field === 2 && wireType === 5) score = reader.float32();
    else if (field === 3 && wireType === 0) type = PIECE_TYPES[reader.varint()] ?? 'normal';
    else reader.skip(wireType);
  }
  return { piece, score, type };
}

/** Reads the varint fields of an embedded message into a map (field number → last value). */
function readVarints(bytes: Uint8Array): Map<number, number> {
  const reader = new ProtoReader(bytes);
  const values = new Map<number, number>();
  while (!reader.done) {
    const [field, wireType] = reader.key();
    if (wireType === 0) values.set(field, reader.varint());
    else reader.skip(wireType);
  }
  return values;
}

export function parseSentencePieceModel(bytes: Uint8Array, where: string): SentencePieceModel {
  const pieces: SentencePiece[] = [];
  let trainer = new Map<number, number>();
  let normalizer = new Map<number, number>();
  try {
    const reader = new ProtoReader(bytes);
    while (!reader.done) {
      const [field, wireType] = reader.key();
      if (field === 1 && wireType === 2) pieces.push(readPiece(reader.bytesField()));
      else if (field === 2 && wireType === 2) trainer = readVarints(reader.bytesField());
      else if (field === 3 && wireType === 2) normalizer = readVarints(reader.bytesField());
      else reader.skip(wireType);
    }
  } catch (error) {
    throw new MathcoderError('tokenizer', `${where}: not a SentencePiece tokenizer.model (${(error as Error).message})`);
  }
  if (pieces.length === 0) throw new MathcoderError('tokenizer', `${where}: not a SentencePiece tokenizer.model (it has no pieces)`);
  const signed = (value: number | undefined, fallback: number): number => (value === undefined ? fallback : value > 2 ** 31 ? value - 2 ** 64 : value);
  return {
    pieces,
    modelType: trainer.get(3) ?? 1,
    byteFallback: (trainer.get(35) ?? 0) === 1,
    unknownId: signed(trainer.get(40), 0),
    bosId: signed(trainer.get(41), 1),
    eosId: signed(trainer.get(42), 2),
    addDummyPrefix: (normalizer.get(3) ?? 1) === 1,
  };
}

/**
 * The merges Hugging Face's LlamaConverter derived from a BPE model when it wrote the Llama-2 and CodeLlama
 * tokenizer.json files: every pair of pieces whose joined text is a normal piece, ordered by that piece's score
 * (highest first), then by the ids of the left and the right piece.
 */
export function sentencePieceMerges(pieces: readonly SentencePiece[]): Array<readonly [string, string]> {
  const ids = new Map<string, number>();
  pieces.forEach(({ piece }, id) => ids.set(piece, id));
  const candidates: Array<{ left: string; right: string; score: number; leftId: number; rightId: number }> = [];
  for (const { piece, score, type } of pieces) {
    if (type !== 'normal') continue;
    const characters = Array.from(piece);
    for (let split = 1; split < characters.length; split++) {
      const left = characters.slice(0, split).join('');
      const right = characters.slice(split).join('');
      const leftId = ids.get(left);
      const rightId = ids.get(right);
      if (leftId !== undefined && rightId !== undefined) candidates.push({ left, right, score, leftId, rightId });
    }
  }
  candidates.sort((a, b) => b.score - a.score || a.leftId - b.leftId || a.rightId - b.rightId);
  return candidates.map(({ left, right }) => [left, right] as const);
}

export function sentencePieceTokenizerJson(model: SentencePieceModel, where: string): TokenizerJson {
  if (model.modelType !== 2) {
    throw new MathcoderError('tokenizer', `${where}: a SentencePiece model of type ${model.modelType} is not supported: only BPE models (Llama, Llama-2, CodeLlama) are; pass their tokenizer.json instead`);
  }
  if (!model.byteFallback) throw new MathcoderError('tokenizer', `${where}: a SentencePiece BPE model without byte fallback is not supported; pass its tokenizer.json instead`);
  const tokens = model.pieces.map((piece) => piece.piece);
  const added = model.pieces.flatMap((piece, id) => (piece.type === 'control' || piece.type === 'unknown' || piece.type === 'user-defined' ? [{ id, piece }] : []));
  return sentencePieceBpeTokenizerJson({
    tokens,
    merges: sentencePieceMerges(model.pieces),
    addedTokens: added.map(({ id, piece }) => ({ ...specialAddedToken(id, piece.piece), special: piece.type !== 'user-defined' })),
    unknownToken: tokens[model.unknownId] ?? '<unk>',
    bosToken: model.bosId >= 0 ? (tokens[model.bosId] ?? null) : null,
  });
}
