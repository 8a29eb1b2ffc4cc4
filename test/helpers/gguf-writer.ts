import { closeSync, openSync, writeSync } from 'node:fs';

/**
 * A GGUF v3 writer (the llama.cpp model file format): header, typed key-values, tensor infos, then the
 * tensor data, each aligned to 32 bytes. Only what the tests' tiny models need: F32 and F16 tensors.
 */

export type GgufValue =
  | { readonly type: 'u32'; readonly value: number }
  | { readonly type: 'i32'; readonly value: number }
  | { readonly type: 'f32'; readonly value: number }
  | { readonly type: 'bool'; readonly value: boolean }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'string[]'; readonly value: readonly string[] }
  | { readonly type: 'f32[]'; readonly value: ArrayLike<number> }
  | { readonly type: 'i32[]'; readonly value: ArrayLike<number> };

export interface GgufTensor {
  readonly name: string;
  /** ggml order: dims[0] varies fastest (for a weight matrix: [inputs, outputs]). */
  readonly dims: readonly number[];
  readonly type: 'f32' | 'f16';
  readonly data: Float32Array;
}

const VALUE_TYPE = { u32: 4, i32: 5, f32: 6, bool: 7, string: 8, array: 9 } as const;
const TENSOR_TYPE = { f32: 0, f16: 1 } as const;
const ALIGNMENT = 32;

/** Appends little-endian values to a growing list of chunks. */
class ByteSink {
  readonly chunks: Buffer[] = [];
  length = 0;

  push(buffer: Buffer): void {
    this.chunks.push(buffer);
    this.length += buffer.length;
  }

  u32(value: number): void {
    const buffer = Buffer.alloc(4);
    buffer.writeUInt32LE(value);
    this.push(buffer);
  }

  i32(value: number): void {
    const buffer = Buffer.alloc(4);
    buffer.writeInt32LE(value);
    this.push(buffer);
  }

  u64(value: number): void {
    const buffer = Buffer.alloc(8);
    buffer.writeBigUInt64LE(BigInt(value));
    this.push(buffer);
  }

  f32(value: number): void {
    const buffer = Buffer.alloc(4);
    buffer.writeFloatLE(value);
    this.push(buffer);
  }

  string(value: string): void {
    const bytes = Buffer.from(value, 'utf8');
    this.u64(bytes.length);
    this.push(bytes);
  }

  padTo(alignment: number): void {
    const padding = (alignment - (this.length % alignment)) % alignment;
    if (padding > 0) this.push(Buffer.alloc(padding));
  }
}

function writeValue(sink: ByteSink, value: GgufValue): void {
  switch (value.type) {
    case 'u32':
      sink.u32(VALUE_TYPE.u32);
      sink.u32(value.value);
      return;
    case 'i32':
      sink.u32(VALUE_TYPE.i32);
      sink.i32(value.value);
      return;
    case 'f32':
      sink.u32(VALUE_TYPE.f32);
      sink.f32(value.value);
      return;
    case 'bool':
      sink.u32(VALUE_TYPE.bool);
      sink.push(Buffer.from([value.value ? 1 : 0]));
      return;
    case 'string':
      sink.u32(VALUE_TYPE.string);
      sink.string(value.value);
      return;
    case 'string[]':
      sink.u32(VALUE_TYPE.array);
      sink.u32(VALUE_TYPE.string);
      sink.u64(value.value.length);
      for (const item of value.value) sink.string(item);
      return;
    case 'f32[]': {
      sink.u32(VALUE_TYPE.array);
      sink.u32(VALUE_TYPE.f32);
      sink.u64(value.value.length);
      sink.push(Buffer.from(Float32Array.from(value.value).buffer));
      return;
    }
    case 'i32[]': {
      sink.u32(VALUE_TYPE.array);
      sink.u32(VALUE_TYPE.i32);
      sink.u64(value.value.length);
      sink.push(Buffer.from(Int32Array.from(value.value).buffer));
      return;
    }
  }
}

/** IEEE 754 half precision, round to nearest even (what numpy's float16 cast does). */
export function toFloat16Bits(value: number): number {
  const float = new Float32Array([value]);
  const bits = new Uint32Array(float.buffer)[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = ((bits >>> 23) & 0xff) - 127 + 15;
  let mantissa = bits & 0x7fffff;
  if (((bits >>> 23) & 0xff) === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  if (exponent >= 0x1f) return sign | 0x7c00;
  if (exponent <= 0) {
    if (exponent < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - exponent;
    const half = mantissa >>> shift;
    const remainder = mantissa & ((1 << shift) - 1);
    const midpoint = 1 << (shift - 1);
    return sign | (half + (remainder > midpoint || (remainder === midpoint && (half & 1)) ? 1 : 0));
  }
  const half = (exponent << 10) | (mantissa >>> 13);
  const remainder = mantissa & 0x1fff;
  return sign | (half + (remainder > 0x1000 || (remainder === 0x1000 && (half & 1)) ? 1 : 0));
}

function tensorBytes(tensor: GgufTensor): Buffer {
  if (tensor.type === 'f32') return Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
  const halves = new Uint16Array(tensor.data.length);
  for (let index = 0; index < tensor.data.length; index += 1) {
    const value = tensor.data[index]!;
    if (value !== 0) halves[index] = toFloat16Bits(value);
  }
  return Buffer.from(halves.buffer);
}

export function writeGguf(path: string, metadata: ReadonlyArray<readonly [string, GgufValue]>, tensors: readonly GgufTensor[]): void {
  const header = new ByteSink();
  header.push(Buffer.from('GGUF', 'ascii'));
  header.u32(3);
  header.u64(tensors.length);
  header.u64(metadata.length);
  for (const [key, value] of metadata) {
    header.string(key);
    writeValue(header, value);
  }
  const datas = tensors.map(tensorBytes);
  let offset = 0;
  tensors.forEach((tensor, index) => {
    const count = tensor.dims.reduce((product, dim) => product * dim, 1);
    if (count !== tensor.data.length) throw new Error(`tensor ${tensor.name}: ${tensor.data.length} values for dims ${tensor.dims.join('x')}`);
    header.string(tensor.name);
    header.u32(tensor.dims.length);
    for (const dim of tensor.dims) header.u64(dim);
    header.u32(TENSOR_TYPE[tensor.type]);
    header.u64(offset);
    offset += datas[index]!.length;
    offset += (ALIGNMENT - (offset % ALIGNMENT)) % ALIGNMENT;
  });
  header.padTo(ALIGNMENT);
  const file = openSync(path, 'w');
  try {
    for (const chunk of header.chunks) writeSync(file, chunk);
    for (const data of datas) {
      writeSync(file, data);
      const padding = (ALIGNMENT - (data.length % ALIGNMENT)) % ALIGNMENT;
      if (padding > 0) writeSync(file, Buffer.alloc(padding));
    }
  } finally {
    closeSync(file);
  }
}
