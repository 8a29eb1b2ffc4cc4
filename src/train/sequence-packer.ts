import type { TokenizedSample } from './tokenize-sample.js';

/**
 * Packs samples into rows of at most `capacity` tokens without ever splitting one: each row keeps its samples'
 * boundaries (position ids restart at 0 for every sample, `cu_seqlens` lists where each starts), so a trainer with
 * FlashAttention's varlen kernels, or a block-diagonal mask, lets no token see another sample ("cross-question
 * masking", SPEC 1.5). Streaming best fit: a sample goes into the open row it fills most tightly; when more than
 * `openRows` rows are open, the fullest is emitted.
 */

export interface PackedRow {
  readonly input_ids: number[];
  readonly labels: number[];
  readonly position_ids: number[];
  /** Start of each sample, then the row length: sample k is tokens cu_seqlens[k] .. cu_seqlens[k+1]-1. */
  readonly cu_seqlens: number[];
  /** The id (or file:line) of each sample, in order. */
  readonly sample_ids: string[];
}

export interface PackerOptions {
  readonly capacity: number;
  readonly openRows: number;
}

interface OpenRow {
  length: number;
  readonly samples: Array<{ sample: TokenizedSample; id: string }>;
}

export function packedRow(samples: ReadonlyArray<{ sample: TokenizedSample; id: string }>): PackedRow {
  const row: PackedRow = { input_ids: [], labels: [], position_ids: [], cu_seqlens: [0], sample_ids: [] };
  for (const { sample, id } of samples) {
    for (let index = 0; index < sample.inputIds.length; index++) {
      row.input_ids.push(sample.inputIds[index]!);
      row.labels.push(sample.labels[index]!);
      row.position_ids.push(index);
    }
    row.cu_seqlens.push(row.input_ids.length);
    row.sample_ids.push(id);
  }
  return row;
}

export class SequencePacker {
  private readonly open: OpenRow[] = [];

  constructor(private readonly options: PackerOptions) {}

  /** Adds a sample (no longer than the capacity); returns the rows that are complete now. */
  add(sample: TokenizedSample, id: string): PackedRow[] {
    const length = sample.inputIds.length;
    if (length > this.options.capacity) throw new RangeError(`a sample of ${length} tokens does not fit rows of ${this.options.capacity}`);
    let best: OpenRow | null = null;
    for (const row of this.open) {
      if (row.length + length <= this.options.capacity && (best === null || row.length > best.length)) best = row;
    }
    if (best === null) {
      best = { length: 0, samples: [] };
      this.open.push(best);
    }
    best.samples.push({ sample, id });
    best.length += length;
    const done: PackedRow[] = [];
    if (best.length === this.options.capacity) done.push(this.take(best));
    while (this.open.length > this.options.openRows) {
      const fullest = this.open.reduce((a, b) => (b.length > a.length ? b : a));
      done.push(this.take(fullest));
    }
    return done;
  }

  /** The rows still open, fullest first. */
  finish(): PackedRow[] {
    const rows = [...this.open].sort((a, b) => b.length - a.length);
    this.open.length = 0;
    return rows.map((row) => packedRow(row.samples));
  }

  private take(row: OpenRow): PackedRow {
    this.open.splice(this.open.indexOf(row), 1);
    return packedRow(row.samples);
  }
}
