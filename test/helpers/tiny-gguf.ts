import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeGguf, type GgufTensor, type GgufValue } from './gguf-writer.js';
import { llama2Tokenize, llama2Vocabulary, type Llama2Vocabulary } from './llama2-vocabulary.js';

/**
 * A tiny llama-architecture GGUF whose weights are set by hand so that greedy decoding writes known text.
 *
 * - The residual stream has two halves: the current token (one-hot in the first half) and the previous token
 *   (one-hot in the second half). Token embeddings put each scripted token on a dimension of its own.
 * - Layer 0's single attention head is a "previous-token head": every scripted token has the same key, and the
 *   query is that key rotated back by one RoPE step, so the score peaks at the position just before (margin
 *   ~22 logits over every other position up to 8k). Its value/output copy the previous token into the second half.
 * - Feed-forward weights are zero; the output matrix reads the next token off (current, previous):
 *   2M for the current token's successor when the script gives it one successor only, else M for the
 *   successor that the previous token selects. Greedy margins are ~20 logits.
 *
 * So a script is a set of transcripts (text segments marked as written by the model or not, e.g. the prompt and
 * execution blocks); every token the model writes must be decided by its (previous, current) pair.
 */

export interface ScriptSegment {
  readonly text: string;
  /** Written by the model (its tokens are predicted); otherwise fed to it (prompt, execution output). */
  readonly model: boolean;
}

export interface ScriptedTranscript {
  readonly segments: readonly ScriptSegment[];
  /** A BOS token precedes the transcript (default true). */
  readonly bos?: boolean;
}

export interface TinyGgufOptions {
  readonly path: string;
  readonly transcripts?: readonly ScriptedTranscript[];
  /** The residual width; at most half of it scripted tokens (default 256). */
  readonly embeddingLength?: number;
  readonly contextLength?: number;
  /** `tokenizer.ggml.add_space_prefix` (default false: no space after each special token). */
  readonly addSpacePrefix?: boolean;
  /** Include MathCoder's eight special tokens (default true). */
  readonly specialTokens?: boolean;
  readonly name?: string;
}

export interface TinyGguf {
  readonly path: string;
  readonly vocabulary: Llama2Vocabulary;
  /** How many distinct tokens the script uses (each needs an embedding dimension). */
  readonly scriptedTokens: number;
  readonly sizeBytes: number;
}

const MARGIN = 2;
const KEY_PER_PAIR = 10;
const ROPE_BASE = 10_000;

interface Rule {
  readonly previous: number;
  readonly current: number;
  readonly next: number;
}

function transcriptTokens(transcript: ScriptedTranscript, vocabulary: Llama2Vocabulary, addSpacePrefix: boolean): { ids: number[]; model: boolean[] } {
  const ids: number[] = transcript.bos === false ? [] : [vocabulary.bosId];
  const model: boolean[] = ids.map(() => false);
  for (const segment of transcript.segments) {
    const tokens = llama2Tokenize(segment.text, vocabulary, { addSpacePrefix });
    ids.push(...tokens);
    model.push(...tokens.map(() => segment.model));
  }
  return { ids, model };
}

function scriptRules(transcripts: readonly ScriptedTranscript[], vocabulary: Llama2Vocabulary, addSpacePrefix: boolean): Rule[] {
  const rules: Rule[] = [];
  for (const transcript of transcripts) {
    const { ids, model } = transcriptTokens(transcript, vocabulary, addSpacePrefix);
    for (let index = 2; index < ids.length; index += 1) {
      if (model[index]) rules.push({ previous: ids[index - 2]!, current: ids[index - 1]!, next: ids[index]! });
    }
  }
  return rules;
}

/** Splits the rules into successors by current token (when unambiguous) and by previous token (otherwise). */
function successorTables(rules: readonly Rule[], vocabulary: Llama2Vocabulary): { byCurrent: Map<number, number>; byPrevious: Map<number, number> } {
  const nextsByCurrent = new Map<number, Set<number>>();
  for (const rule of rules) {
    const set = nextsByCurrent.get(rule.current) ?? new Set<number>();
    set.add(rule.next);
    nextsByCurrent.set(rule.current, set);
  }
  const byCurrent = new Map<number, number>();
  const byPrevious = new Map<number, number>();
  for (const [current, nexts] of nextsByCurrent) if (nexts.size === 1) byCurrent.set(current, [...nexts][0]!);
  for (const rule of rules) {
    if (byCurrent.has(rule.current)) continue;
    const chosen = byPrevious.get(rule.previous);
    if (chosen !== undefined && chosen !== rule.next) {
      const name = (id: number) => JSON.stringify(vocabulary.tokens[id]);
      throw new Error(
        `tiny model script: after ${name(rule.previous)} ${name(rule.current)} it must write both ${name(chosen)} and ${name(rule.next)}; change the script text`,
      );
    }
    byPrevious.set(rule.previous, rule.next);
  }
  return { byCurrent, byPrevious };
}

export function writeTinyGguf(options: TinyGgufOptions): TinyGguf {
  const vocabulary = llama2Vocabulary({ specialTokens: options.specialTokens !== false });
  const addSpacePrefix = options.addSpacePrefix ?? false;
  const width = options.embeddingLength ?? 256;
  const half = width / 2;
  const vocabSize = vocabulary.tokens.length;
  const rules = scriptRules(options.transcripts ?? [], vocabulary, addSpacePrefix);
  const { byCurrent, byPrevious } = successorTables(rules, vocabulary);

  const slots = new Map<number, number>();
  for (const rule of rules) for (const id of [rule.previous, rule.current]) if (!slots.has(id)) slots.set(id, slots.size);
  if (slots.size > half) throw new Error(`tiny model script uses ${slots.size} tokens; embeddingLength ${width} allows ${half}`);

  const embedding = new Float32Array(width * vocabSize);
  for (const [id, slot] of slots) embedding[id * width + slot] = 1;

  const output = new Float32Array(width * vocabSize);
  const scale = Math.sqrt(width) / Math.sqrt(width / 2);
  for (const [current, next] of byCurrent) output[next * width + slots.get(current)!] = (2 * MARGIN) / scale;
  for (const [previous, next] of byPrevious) output[next * width + half + slots.get(previous)!] = MARGIN / scale;

  // After attention RMS norm a one-hot embedding reads sqrt(width) on its slot.
  const normalised = Math.sqrt(width);
  const key = new Float32Array(width * width);
  const query = new Float32Array(width * width);
  const value = new Float32Array(width * width);
  const attentionOutput = new Float32Array(width * width);
  for (const slot of slots.values()) {
    for (let pair = 0; pair < width / 2; pair += 1) {
      const theta = ROPE_BASE ** ((-2 * pair) / width);
      // k = (K, 0) on every rotary pair; q = R(-theta) k.
      key[2 * pair * width + slot] = KEY_PER_PAIR / normalised;
      query[2 * pair * width + slot] = (KEY_PER_PAIR * Math.cos(theta)) / normalised;
      query[(2 * pair + 1) * width + slot] = (-KEY_PER_PAIR * Math.sin(theta)) / normalised;
    }
    value[slot * width + slot] = 1 / normalised;
    attentionOutput[(half + slot) * width + slot] = 1;
  }

  const ones = new Float32Array(width).fill(1);
  const feedForward = 4 * width;
  const tensors: GgufTensor[] = [
    { name: 'token_embd.weight', dims: [width, vocabSize], type: 'f16', data: embedding },
    { name: 'output_norm.weight', dims: [width], type: 'f32', data: ones },
    { name: 'output.weight', dims: [width, vocabSize], type: 'f16', data: output },
    { name: 'blk.0.attn_norm.weight', dims: [width], type: 'f32', data: ones },
    { name: 'blk.0.attn_q.weight', dims: [width, width], type: 'f16', data: query },
    { name: 'blk.0.attn_k.weight', dims: [width, width], type: 'f16', data: key },
    { name: 'blk.0.attn_v.weight', dims: [width, width], type: 'f16', data: value },
    { name: 'blk.0.attn_output.weight', dims: [width, width], type: 'f16', data: attentionOutput },
    { name: 'blk.0.ffn_norm.weight', dims: [width], type: 'f32', data: ones },
    { name: 'blk.0.ffn_gate.weight', dims: [width, feedForward], type: 'f16', data: new Float32Array(width * feedForward) },
    { name: 'blk.0.ffn_up.weight', dims: [width, feedForward], type: 'f16', data: new Float32Array(width * feedForward) },
    { name: 'blk.0.ffn_down.weight', dims: [feedForward, width], type: 'f16', data: new Float32Array(width * feedForward) },
  ];
  const metadata: Array<readonly [string, GgufValue]> = [
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['general.name', { type: 'string', value: options.name ?? 'mathcoder-tiny-test' }],
    ['general.alignment', { type: 'u32', value: 32 }],
    ['llama.context_length', { type: 'u32', value: options.contextLength ?? 4096 }],
    ['llama.embedding_length', { type: 'u32', value: width }],
    ['llama.block_count', { type: 'u32', value: 1 }],
    ['llama.feed_forward_length', { type: 'u32', value: feedForward }],
    ['llama.attention.head_count', { type: 'u32', value: 1 }],
    ['llama.attention.head_count_kv', { type: 'u32', value: 1 }],
    ['llama.rope.dimension_count', { type: 'u32', value: width }],
    ['llama.rope.freq_base', { type: 'f32', value: ROPE_BASE }],
    ['llama.attention.layer_norm_rms_epsilon', { type: 'f32', value: 1e-5 }],
    ['llama.vocab_size', { type: 'u32', value: vocabSize }],
    ['tokenizer.ggml.model', { type: 'string', value: 'llama' }],
    ['tokenizer.ggml.tokens', { type: 'string[]', value: vocabulary.tokens }],
    ['tokenizer.ggml.scores', { type: 'f32[]', value: vocabulary.scores }],
    ['tokenizer.ggml.token_type', { type: 'i32[]', value: vocabulary.types }],
    ['tokenizer.ggml.bos_token_id', { type: 'u32', value: vocabulary.bosId }],
    ['tokenizer.ggml.eos_token_id', { type: 'u32', value: vocabulary.eosId }],
    ['tokenizer.ggml.unknown_token_id', { type: 'u32', value: vocabulary.unknownId }],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: true }],
    ['tokenizer.ggml.add_eos_token', { type: 'bool', value: false }],
    ['tokenizer.ggml.add_space_prefix', { type: 'bool', value: addSpacePrefix }],
  ];
  writeGguf(options.path, metadata, tensors);
  const sizeBytes = tensors.reduce((sum, tensor) => sum + tensor.data.length * (tensor.type === 'f16' ? 2 : 4), 0);
  return { path: options.path, vocabulary, scriptedTokens: slots.size, sizeBytes };
}

/** A temporary folder for test models, removed by the returned function. */
export function temporaryModelFolder(): { folder: string; remove: () => void } {
  const folder = mkdtempSync(join(tmpdir(), 'mathcoder-tiny-gguf-'));
  return { folder, remove: () => rmSync(folder, { recursive: true, force: true }) };
}
