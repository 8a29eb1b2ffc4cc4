import { readFileSync } from 'node:fs';
import { parquetReadObjects } from 'hyparquet';
import { MathcoderError, errorMessage } from '../errors.js';
import { readJsonlSync } from '../util/jsonl.js';

export interface NativeRow {
  readonly where: string;
  readonly row: Record<string, unknown>;
}

function asObject(value: unknown, where: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new MathcoderError('input', `${where}: a row must be a JSON object`);
  return value as Record<string, unknown>;
}

/** The rows of a JSON Lines, JSON (an array) or Parquet file, each with `file:line` (or `file:row N`). */
export async function readNativeRows(path: string): Promise<NativeRow[]> {
  if (path.endsWith('.parquet')) {
    let rows: Record<string, unknown>[];
    try {
      const bytes = readFileSync(path);
      const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      rows = (await parquetReadObjects({ file: buffer })) as Record<string, unknown>[];
    } catch (error) {
      throw new MathcoderError('input', `cannot read ${path} as Parquet: ${errorMessage(error)}`);
    }
    return rows.map((row, index) => ({ where: `${path}:row ${index + 1}`, row }));
  }
  if (path.endsWith('.json')) {
    let value: unknown;
    try {
      value = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new MathcoderError('input', `cannot read ${path} as JSON: ${errorMessage(error)}`);
    }
    if (!Array.isArray(value)) throw new MathcoderError('input', `${path}: a .json dataset must be an array of rows (use .jsonl for one row a line)`);
    return value.map((row, index) => ({ where: `${path}:row ${index + 1}`, row: asObject(row, `${path}:row ${index + 1}`) }));
  }
  return readJsonlSync(path).map(({ lineNumber, value }) => ({ where: `${path}:${lineNumber}`, row: asObject(value, `${path}:${lineNumber}`) }));
}
