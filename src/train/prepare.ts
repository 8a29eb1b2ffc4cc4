import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MathcoderError } from '../errors.js';
import { SPECIAL_TOKENS } from '../format/index.js';
import type { TextTokenizer } from '../tokenizer/index.js';
import { readJsonl } from '../util/jsonl.js';
import type { LossPolicy } from './loss-spans.js';
import { JsonlRowSink, ParquetRowSink, type PackedRowSink } from './packed-writers.js';
import { SequencePacker, type PackedRow } from './sequence-packer.js';
import { IGNORE_INDEX, tokenizeSample } from './tokenize-sample.js';
import { PACKED_FILES, TOO_LONG_POLICIES, type TooLongPolicy } from './train-choices.js';
import { readTrainingRow } from './training-row.js';

export { PACKED_FILES, TOO_LONG_POLICIES, type TooLongPolicy };

export interface PrepareOptions {
  readonly inputs: readonly string[];
  readonly outDir: string;
  readonly tokenizer: TextTokenizer;
  readonly contextLength: number;
  readonly lossPolicy: LossPolicy;
  /** What happens to a sample longer than the context: dropped, or cut to it (and counted either way). */
  readonly tooLong: TooLongPolicy;
  readonly bos: boolean;
  readonly querySuffix: string;
  /** Rows kept open for best-fit packing. */
  readonly openRows: number;
  readonly parquet: boolean;
  readonly onProgress?: (rowsRead: number, stats: PrepareStats) => void;
}

export interface PrepareStats {
  rows: number;
  samples: number;
  droppedTooLong: number;
  truncated: number;
  /** Trajectories that never ended their message (no final <|endofmessage|> to train). */
  unfinished: number;
  tokens: number;
  trainedTokens: number;
  trainedShare: number;
  packedRows: number;
  /** Tokens over the packed rows' capacity (rows × context length). */
  packingEfficiency: number;
  longestSample: number;
  contextLength: number;
}

/** What launch and the exporters need to know about a prepared folder. */
export interface PrepareManifest {
  readonly version: 1;
  readonly inputs: readonly string[];
  readonly tokenizer: { source: string; size: number; bosId: number | null; eosId: number | null; specialTokenIds: Record<string, number> };
  readonly options: { contextLength: number; lossPolicy: LossPolicy; tooLong: TooLongPolicy; bos: boolean; querySuffix: string };
  readonly files: { jsonl: string; parquet: string | null };
  readonly stats: PrepareStats;
}

/**
 * Streams the input rows, renders and tokenises each one with its labels, packs the samples into rows of the
 * context length and writes them as they complete (JSONL, and Parquet), then the manifest with the statistics.
 */
export async function prepareTrainingData(options: PrepareOptions): Promise<PrepareManifest> {
  mkdirSync(options.outDir, { recursive: true });
  const paths = [join(options.outDir, PACKED_FILES.jsonl), ...(options.parquet ? [join(options.outDir, PACKED_FILES.parquet)] : [])];
  const sinks: PackedRowSink[] = [new JsonlRowSink(paths[0]!)];
  if (options.parquet) sinks.push(new ParquetRowSink(paths[1]!));
  const stats: PrepareStats = {
    rows: 0,
    samples: 0,
    droppedTooLong: 0,
    truncated: 0,
    unfinished: 0,
    tokens: 0,
    trainedTokens: 0,
    trainedShare: 0,
    packedRows: 0,
    packingEfficiency: 0,
    longestSample: 0,
    contextLength: options.contextLength,
  };
  const packer = new SequencePacker({ capacity: options.contextLength, openRows: options.openRows });
  const emit = async (rows: PackedRow[]): Promise<void> => {
    for (const row of rows) {
      stats.packedRows += 1;
      for (const sink of sinks) await sink.write(row);
    }
  };
  try {
    for (const input of options.inputs) {
      for await (const { lineNumber, value } of readJsonl(input)) {
        const row = readTrainingRow(value, `${input}:${lineNumber}`, { querySuffix: options.querySuffix });
        stats.rows += 1;
        if (row.conversation.open) stats.unfinished += 1;
        let sample = tokenizeSample(row.conversation, options.tokenizer, { lossPolicy: options.lossPolicy, bos: options.bos }, row.where);
        stats.longestSample = Math.max(stats.longestSample, sample.inputIds.length);
        if (sample.inputIds.length > options.contextLength) {
          if (options.tooLong === 'drop') {
            stats.droppedTooLong += 1;
            options.onProgress?.(stats.rows, stats);
            continue;
          }
          stats.truncated += 1;
          sample = { inputIds: sample.inputIds.slice(0, options.contextLength), labels: sample.labels.slice(0, options.contextLength) };
        }
        stats.samples += 1;
        stats.tokens += sample.inputIds.length;
        for (const label of sample.labels) if (label !== IGNORE_INDEX) stats.trainedTokens += 1;
        await emit(packer.add(sample, row.id));
        options.onProgress?.(stats.rows, stats);
      }
    }
    await emit(packer.finish());
    if (stats.rows === 0) throw new MathcoderError('input', `${options.inputs.join(', ')} ${options.inputs.length === 1 ? 'holds' : 'hold'} no rows: nothing to prepare`);
    if (stats.samples === 0) {
      throw new MathcoderError('input', `none of the ${stats.rows} rows fits in ${options.contextLength} tokens (the longest has ${stats.longestSample}): raise --context-length, or keep them cut with --too-long truncate`);
    }
  } catch (error) {
    // No half-written or empty data is left behind: a trainer must never read it.
    for (const sink of sinks) await sink.close().catch(() => undefined);
    for (const path of paths) rmSync(path, { force: true });
    throw error;
  }
  for (const sink of sinks) await sink.close();
  stats.trainedShare = stats.tokens === 0 ? 0 : stats.trainedTokens / stats.tokens;
  stats.packingEfficiency = stats.packedRows === 0 ? 0 : stats.tokens / (stats.packedRows * options.contextLength);
  const tokenizer = options.tokenizer;
  const manifest: PrepareManifest = {
    version: 1,
    inputs: [...options.inputs],
    tokenizer: {
      source: tokenizer.source,
      size: tokenizer.size,
      bosId: tokenizer.bosId,
      eosId: tokenizer.eosId,
      specialTokenIds: Object.fromEntries(SPECIAL_TOKENS.map((token) => [token, tokenizer.encode(token)[0]!])),
    },
    options: {
      contextLength: options.contextLength,
      lossPolicy: options.lossPolicy,
      tooLong: options.tooLong,
      bos: options.bos,
      querySuffix: options.querySuffix,
    },
    files: { jsonl: PACKED_FILES.jsonl, parquet: options.parquet ? PACKED_FILES.parquet : null },
    stats,
  };
  writeFileSync(join(options.outDir, PACKED_FILES.manifest), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}
