import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { ParquetWriter, fileWriter } from 'hyparquet-writer';
import type { PackedRow } from './sequence-packer.js';

/** Where packed rows go: one JSON object a line (readable by `datasets.load_dataset("json")` and by a person) and Parquet. */
export interface PackedRowSink {
  write(row: PackedRow): Promise<void>;
  close(): Promise<void>;
}

export class JsonlRowSink implements PackedRowSink {
  private readonly stream: WriteStream;

  constructor(path: string) {
    this.stream = createWriteStream(path, { encoding: 'utf8' });
  }

  async write(row: PackedRow): Promise<void> {
    await this.writeValue(row);
  }

  /** Any JSON value, one a line. */
  async writeValue(value: unknown): Promise<void> {
    if (!this.stream.write(JSON.stringify(value) + '\n')) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    this.stream.end();
    await once(this.stream, 'finish');
  }
}

const INT_LIST_COLUMNS = ['input_ids', 'labels', 'position_ids', 'cu_seqlens'] as const;

function listColumn(name: string, type: 'INT32' | 'BYTE_ARRAY') {
  return [
    { name, repetition_type: 'REQUIRED' as const, converted_type: 'LIST' as const, num_children: 1 },
    { name: 'list', repetition_type: 'REPEATED' as const, num_children: 1 },
    type === 'INT32'
      ? { name: 'element', type: 'INT32' as const, repetition_type: 'REQUIRED' as const }
      : { name: 'element', type: 'BYTE_ARRAY' as const, converted_type: 'UTF8' as const, repetition_type: 'REQUIRED' as const },
  ];
}

/** Parquet with list<int32> columns (list<string> for sample_ids), written in row groups of `groupSize` rows. */
export class ParquetRowSink implements PackedRowSink {
  private readonly writer: ParquetWriter;
  private pending: PackedRow[] = [];

  constructor(
    path: string,
    private readonly groupSize = 1000,
  ) {
    const schema = [
      { name: 'root', num_children: INT_LIST_COLUMNS.length + 1 },
      ...INT_LIST_COLUMNS.flatMap((name) => listColumn(name, 'INT32')),
      ...listColumn('sample_ids', 'BYTE_ARRAY'),
    ];
    this.writer = new ParquetWriter({ writer: fileWriter(path), schema, createdBy: 'mathcoder train prepare' });
  }

  async write(row: PackedRow): Promise<void> {
    this.pending.push(row);
    if (this.pending.length >= this.groupSize) this.flush();
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    const columnData = [...INT_LIST_COLUMNS, 'sample_ids' as const].map((name) => ({ name, data: rows.map((row) => row[name]) }));
    this.writer.write({ columnData, rowGroupSize: rows.length });
  }

  async close(): Promise<void> {
    this.flush();
    this.writer.finish();
  }
}
