import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { toTrainRow } from '../../src/format/index.js';
import { loadTokenizer } from '../../src/tokenizer/index.js';
import { IGNORE_INDEX, prepareTrainingData, tokenizeSample, type PackedRow, type PrepareOptions } from '../../src/train/index.js';
import { readJsonlSync } from '../../src/util/jsonl.js';
import { sharedPath } from '../helpers/shared.js';
import { sharedTrajectories } from '../tokenizer/trajectory-texts.js';

const tokenizer = loadTokenizer('llama2');
const folder = mkdtempSync(join(tmpdir(), 'mathcoder-prepare-'));
const trajectories = sharedTrajectories(15);
const trainFile = join(folder, 'train_80k.jsonl');
writeFileSync(trainFile, trajectories.map(({ where, conversation }) => JSON.stringify(toTrainRow({ ...conversation, open: false }, { id: where }))).join('\n') + '\n');
const publishedFile = sharedPath('trajectories', 'mathcoder-cl-7b', 'simuleq.jsonl');

function options(out: string, extra: Partial<PrepareOptions> = {}): PrepareOptions {
  return {
    inputs: [trainFile],
    outDir: join(folder, out),
    tokenizer,
    contextLength: 1024,
    lossPolicy: 'paper',
    tooLong: 'drop',
    bos: true,
    querySuffix: '\n',
    openRows: 16,
    parquet: true,
    ...extra,
  };
}

function packedRows(dir: string): PackedRow[] {
  return readJsonlSync(join(dir, 'train.jsonl')).map(({ value }) => value as PackedRow);
}

describe('prepare', () => {
  it('packs whole samples with real boundaries: position ids restart where cu_seqlens says, and nowhere else', async () => {
    const manifest = await prepareTrainingData(options('packed'));
    const rows = packedRows(join(folder, 'packed'));
    const bySource = new Map(trajectories.map(({ where, conversation }) => [where, { ...conversation, open: false }]));
    let samples = 0;
    let tokens = 0;
    let trained = 0;
    for (const row of rows) {
      expect(row.input_ids.length).toBeLessThanOrEqual(1024);
      expect(row.labels.length).toBe(row.input_ids.length);
      expect(row.position_ids.length).toBe(row.input_ids.length);
      const starts = row.position_ids.flatMap((position, index) => (position === 0 ? [index] : []));
      expect([...starts, row.input_ids.length]).toEqual(row.cu_seqlens);
      row.position_ids.forEach((position, index) => {
        if (position !== 0) expect(position).toBe(row.position_ids[index - 1]! + 1);
      });
      row.sample_ids.forEach((id, k) => {
        const [start, end] = [row.cu_seqlens[k]!, row.cu_seqlens[k + 1]!];
        const expected = tokenizeSample(bySource.get(id)!, tokenizer, { lossPolicy: 'paper', bos: true }, id);
        expect(row.input_ids.slice(start, end)).toEqual(expected.inputIds);
        expect(row.labels.slice(start, end)).toEqual(expected.labels);
        expect(row.labels[start]).toBe(IGNORE_INDEX);
      });
      samples += row.sample_ids.length;
      tokens += row.input_ids.length;
      trained += row.labels.filter((label) => label !== IGNORE_INDEX).length;
    }
    const stats = manifest.stats;
    expect(stats.rows).toBe(trajectories.length);
    expect(samples).toBe(stats.samples);
    expect(stats.samples + stats.droppedTooLong).toBe(stats.rows);
    expect([tokens, trained, rows.length]).toEqual([stats.tokens, stats.trainedTokens, stats.packedRows]);
    expect(stats.packingEfficiency).toBeCloseTo(tokens / (rows.length * 1024), 10);
    expect(stats.packingEfficiency).toBeGreaterThan(0.9);
    expect(manifest.tokenizer.specialTokenIds['<|endofblock|>']).toBe(32007);
    const parquet = await parquetReadObjects({ file: await asyncBufferFromFile(join(folder, 'packed', 'train.parquet')) });
    expect(parquet).toEqual(rows);
  });

  it('drops or truncates samples longer than the context, and counts them', async () => {
    const dropped = await prepareTrainingData(options('short-drop', { contextLength: 300, parquet: false }));
    const truncated = await prepareTrainingData(options('short-truncate', { contextLength: 300, parquet: false, tooLong: 'truncate' }));
    expect(dropped.stats.droppedTooLong).toBeGreaterThan(0);
    expect(dropped.stats.droppedTooLong).toBe(truncated.stats.truncated);
    expect(truncated.stats.samples).toBe(truncated.stats.rows);
    for (const row of packedRows(join(folder, 'short-truncate'))) expect(row.input_ids.length).toBeLessThanOrEqual(300);
  });

  it('reads rows in the published trajectory format, appending the query suffix', async () => {
    const manifest = await prepareTrainingData(options('published', { inputs: [publishedFile], parquet: false }));
    expect(manifest.stats.rows).toBe(514);
    expect(manifest.stats.unfinished).toBeGreaterThan(0);
    const first = packedRows(join(folder, 'published')).flatMap((row) => row.sample_ids);
    expect(new Set(first).size).toBe(manifest.stats.samples);
  });

  it('names the row of a bad input: blocks out of order, an unknown block type', async () => {
    const bad = (name: string, rows: unknown[]): string => {
      const path = join(folder, name);
      writeFileSync(path, rows.map((row) => JSON.stringify(row)).join('\n') + '\n');
      return path;
    };
    const good = JSON.parse(readFileSync(trainFile, 'utf8').split('\n')[0]!);
    const system = { role: 'system', content: [{ type: 'text', content: 'S' }] };
    const user = { role: 'user', content: [{ type: 'text', content: 'Q' }] };
    const outOfOrder = bad('out-of-order.jsonl', [good, { messages: [system, user, { role: 'assistant', content: [{ type: 'text', content: 't' }, { type: 'execution', content: '1' }] }] }]);
    await expect(prepareTrainingData(options('bad1', { inputs: [outOfOrder] }))).rejects.toThrow(
      /out-of-order.jsonl:2: blocks out of order: assistant block 2 is an execution that follows a text block, not a code block/,
    );
    const codeThenText = bad('code-text.jsonl', [{ messages: [system, user, { role: 'assistant', content: [{ type: 'code', content: 'x' }, { type: 'text', content: 't' }] }] }]);
    await expect(prepareTrainingData(options('bad2', { inputs: [codeThenText] }))).rejects.toThrow(/code-text.jsonl:1: blocks out of order: assistant block 1 is a code block followed by a text block/);
    const roles = bad('roles.jsonl', [{ messages: [user, system, { role: 'assistant', content: [{ type: 'text', content: 't' }] }] }]);
    await expect(prepareTrainingData(options('bad3', { inputs: [roles] }))).rejects.toThrow(/roles.jsonl:1: blocks out of order: message 2 is system where assistant must come/);
    const unknown = bad('unknown.jsonl', [{ messages: [system, user, { role: 'assistant', content: [{ type: 'image', content: 't' }] }] }]);
    await expect(prepareTrainingData(options('bad4', { inputs: [unknown] }))).rejects.toThrow(/unknown.jsonl:1: not a train_80k row: field messages.2.content.0.type/);
    const token = bad('token.jsonl', [{ messages: [system, user, { role: 'assistant', content: [{ type: 'text', content: 'a <|code|> b' }] }] }]);
    await expect(prepareTrainingData(options('bad5', { inputs: [token] }))).rejects.toThrow(/token.jsonl:1: a text block contains a special-token string/);
  });
});
