import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATASETS, datasetFromPath, datasetSpec, loadDataset } from '../../src/datasets/index.js';
import { sharedPath } from '../helpers/shared.js';

const dataDir = sharedPath('data');

describe('the dataset registry, on the real sets in ../shared/data', () => {
  it.each(DATASETS.map((spec) => [spec.name, spec.expectedRows] as const))('%s: %s rows, every one with a question, an answer and a unique stable id', async (name, rows) => {
    const first = await loadDataset(name, { dataDir });
    expect(first.problems).toHaveLength(rows);
    expect(first.location.kind).toBe('data-dir');
    expect(new Set(first.problems.map((problem) => problem.id)).size).toBe(rows);
    expect(first.problems.every((problem) => problem.question.length > 0 && problem.answer.length > 0 && problem.dataset === name)).toBe(true);
    const second = await loadDataset(name, { dataDir });
    expect(second.problems.map((problem) => problem.id)).toEqual(first.problems.map((problem) => problem.id));
  });

  it('maps native fields: GSM8K "#### N", MATH \\boxed{} with level and subject, SVAMP Body, Question as MathCoder joined them, ASDiv units', async () => {
    const gsm8k = (await loadDataset('gsm8k', { dataDir })).problems[0]!;
    expect(gsm8k.answer).toBe('18');
    const math = (await loadDataset('math', { dataDir })).problems;
    expect(math[0]).toMatchObject({ answer: '2', level: 3, subject: 'algebra' });
    expect(new Set(math.map((problem) => problem.subject))).toEqual(new Set(['algebra', 'counting_and_probability', 'geometry', 'intermediate_algebra', 'number_theory', 'prealgebra', 'precalculus']));
    expect(math.filter((problem) => problem.level === 5).length).toBeGreaterThan(1000);
    const svamp = (await loadDataset('svamp', { dataDir })).problems[0]!;
    expect(svamp).toMatchObject({ id: 'svamp/chal-777', answer: '145' });
    expect(svamp.question).toMatch(/groups, How big is each group of bananas\?$/);
    expect((await loadDataset('asdiv', { dataDir })).problems[0]!.answer).toBe('9');
    const math500 = (await loadDataset('math500', { dataDir })).problems[0]!;
    expect(math500).toMatchObject({ id: 'math500/test/precalculus/807.json', subject: 'precalculus', level: 2 });
  });

  it('guesses the dataset of a result file from its path', () => {
    expect(datasetFromPath('outs/MathCoder-L-7b/GSM8K/GSM8K_test_result-20230916-1751-correct.jsonl')).toBe('gsm8k');
    expect(datasetFromPath('mathcoder-cl-7b/mathematics.jsonl')).toBe('mathematics');
    expect(datasetFromPath('outs/MathCoder-L-7b/MATH/MATH_test_result.jsonl')).toBe('math');
    expect(datasetFromPath('runs/gsm_hard/results.jsonl')).toBe('gsm-hard');
    expect(datasetFromPath('mathcoder-cl-7b/notes.jsonl')).toBeNull();
  });
});

describe('bad input', () => {
  it('an unknown name lists the known ones', () => {
    expect(() => datasetSpec('svmap')).toThrow('unknown dataset "svmap" (did you mean svamp?); known: gsm8k, math, svamp, mathematics, simuleq, math500, asdiv, gsm-hard, mawps');
  });

  it('a missing field names the row and the field', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'mc-data-'));
    mkdirSync(join(folder, 'gsm8k'));
    writeFileSync(join(folder, 'gsm8k', 'test.jsonl'), `${JSON.stringify({ question: 'q', answer: 'a #### 1' })}\n${JSON.stringify({ question: 'q2' })}\n`);
    await expect(loadDataset('gsm8k', { dataDir: folder })).rejects.toThrow(`${join(folder, 'gsm8k', 'test.jsonl')}:2: missing field "answer"`);
    writeFileSync(join(folder, 'mine.jsonl'), `${JSON.stringify({ problem: 'p', level: 'Level 2', type: 'Algebra', solution: 'no box' })}\n`);
    await expect(loadDataset('math', { dataDir: folder, file: join(folder, 'mine.jsonl') })).rejects.toThrow('mine.jsonl:1: field "solution" has no \\boxed{} answer');
  });

  it('a set that is nowhere on the machine, with downloads off, says to use --data-dir or --file', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'mc-data-'));
    await expect(loadDataset('simuleq', { dataDir: folder })).rejects.toThrow(/simuleq has no Hugging Face hub copy .*put simuleq\/test\.jsonl under a folder and pass --data-dir \(now .*\), or pass --file/);
    await expect(loadDataset('gsm8k', { dataDir: folder })).rejects.toThrow(/gsm8k is not on this machine and downloads are off: put gsm8k\/test\.jsonl under a folder and pass --data-dir/);
  });
});
