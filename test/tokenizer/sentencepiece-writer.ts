import { GGUF_TOKEN_TYPE, type Vocabulary } from '../../src/tokenizer/index.js';

/**
 * Writes a SentencePiece ModelProto (tokenizer.model) from a vocabulary, for tests: pieces with score and type, a
 * BPE trainer spec with byte fallback and the special ids, a normaliser spec with the dummy prefix.
 */

function varint(value: number): number[] {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 128) | 0x80);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return bytes;
}

function field(number: number, wireType: number): number[] {
  return varint(number * 8 + wireType);
}

function lengthDelimited(number: number, payload: readonly number[]): number[] {
  return [...field(number, 2), ...varint(payload.length), ...payload];
}

function float32(value: number): number[] {
  const buffer = new DataView(new ArrayBuffer(4));
  buffer.setFloat32(0, value, true);
  return [0, 1, 2, 3].map((index) => buffer.getUint8(index));
}

export function sentencePieceModelBytes(vocabulary: Pick<Vocabulary, 'tokens' | 'scores' | 'types'>, limit = vocabulary.tokens.length): Uint8Array {
  const out: number[] = [];
  const encoder = new TextEncoder();
  for (let id = 0; id < limit; id++) {
    const piece = [
      ...lengthDelimited(1, [...encoder.encode(vocabulary.tokens[id]!)]),
      ...field(2, 5),
      ...float32(vocabulary.scores[id]!),
      ...field(3, 0),
      ...varint(GGUF_TOKEN_TYPE[vocabulary.types[id]!]),
    ];
    out.push(...lengthDelimited(1, piece));
  }
  const trainer = [...field(3, 0), ...varint(2), ...field(35, 0), 1, ...field(40, 0), 0, ...field(41, 0), 1, ...field(42, 0), 2];
  out.push(...lengthDelimited(2, trainer));
  out.push(...lengthDelimited(3, [...lengthDelimited(1, [...encoder.encode('identity')]), ...field(3, 0), 1]));
  return Uint8Array.from(out);
}
