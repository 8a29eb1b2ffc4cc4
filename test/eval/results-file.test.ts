import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ResultsFile } from '../../src/eval/results-file.js';

interface Row {
  key: string;
  value: number;
}

const parseRow = (value: unknown, where: string): Row => {
  const row = value as Partial<Row>;
  if (typeof row?.key !== 'string' || typeof row.value !== 'number') throw new Error(`${where}: not a row`);
  return row as Row;
};

describe('the append-only results file', () => {
  it('keeps every appended row across reopening', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'mc-results-')), 'results.jsonl');
    const first = ResultsFile.open(path, { parseRow });
    expect(first.rows).toEqual([]);
    first.file.append({ key: 'a', value: 1 });
    first.file.append({ key: 'b', value: 2 });
    first.file.close();
    const again = ResultsFile.open(path, { parseRow });
    expect(again.rows).toEqual([
      { key: 'a', value: 1 },
      { key: 'b', value: 2 },
    ]);
    again.file.append({ key: 'c', value: 3 });
    again.file.close();
    expect(ResultsFile.read(path, parseRow).rows.map((row) => row.key)).toEqual(['a', 'b', 'c']);
  });

  it('cuts off a last line torn by a crash and reports it, so the row is redone', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'mc-results-')), 'results.jsonl');
    writeFileSync(path, '{"key":"a","value":1}\n');
    appendFileSync(path, '{"key":"b","val');
    expect(ResultsFile.read(path, parseRow)).toEqual({ rows: [{ key: 'a', value: 1 }], truncatedBytes: 15 });
    const opened = ResultsFile.open(path, { parseRow });
    expect(opened.truncatedBytes).toBe(15);
    opened.file.append({ key: 'b', value: 2 });
    opened.file.close();
    expect(readFileSync(path, 'utf8')).toBe('{"key":"a","value":1}\n{"key":"b","value":2}\n');
  });

  it('refuses a broken line in the middle, naming it, and changes nothing', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'mc-results-')), 'results.jsonl');
    const content = '{"key":"a","value":1}\n{"key": oops}\n{"key":"c","value":3}\n';
    writeFileSync(path, content);
    expect(() => ResultsFile.open(path, { parseRow })).toThrow(`${path}:2: not valid JSON`);
    expect(readFileSync(path, 'utf8')).toBe(content);
  });
});
