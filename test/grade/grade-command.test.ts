import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { loadGradeRows } from '../../src/grade/grade-rows.js';
import { REPO_ROOT, sharedPath } from '../helpers/shared.js';

const run = promisify(execFile);
const CLI = join(REPO_ROOT, 'dist', 'cli', 'main.js');
const folders: string[] = [];
const temporary = (prefix: string) => {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  folders.push(folder);
  return folder;
};
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

async function mathcoder(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env: { ...process.env, MATHCODER_CACHE: temporary('mc-cache-') } });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}

describe('mathcoder grade', () => {
  it('grades published files with both graders, finds the authors\' verdicts, and writes the disagreements', async () => {
    const out = join(temporary('mc-grade-'), 'disagreements.jsonl');
    const result = await mathcoder(
      'grade', sharedPath('trajectories', 'mathcoder-cl-7b', 'simuleq.jsonl'), sharedPath('trajectories', 'mathcoder-l-7b', 'gsm8k.wrong.jsonl'),
      '--json', '--no-symbolic', '--disagreements', out,
    );
    expect(result.code).toBe(0);
    const [simuleq, gsm8k] = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(simuleq).toMatchObject({ dataset: 'simuleq', rows: 514, grader: 'strict', graders: { 'mathcoder-compat': 255 }, published: { rows: 514, correct: 255, disagree: { 'mathcoder-compat': 0 } } });
    expect(simuleq.correct).toBe(simuleq.graders.strict);
    expect(gsm8k).toMatchObject({ dataset: 'gsm8k', rows: 470, correct: 0, published: { rows: 470, correct: 0 } });
    const audit = readFileSync(out, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(audit.length).toBe(simuleq.gradersDisagree);
    expect(audit[0]).toMatchObject({ file: expect.stringContaining('simuleq.jsonl'), published: expect.any(Boolean), graders: { strict: { answer: expect.any(String) } } });
    // Every disagreement says which rule decided each verdict, and why.
    for (const row of audit) expect(row.graders.strict).toMatchObject({ rule: expect.any(String), why: expect.any(String), answers: expect.any(Array) });
    // SimulEq row 70 boxes "25 children and 102 adults": the strict grader binds 25 to the children asked first.
    expect(audit.find((row) => row.line === 70)).toMatchObject({ reference: '25', graders: { strict: { equal: true, rule: 'bound-unknown' }, 'mathcoder-compat': { equal: false } } });
  });

  it('writes every row\'s verdicts and compares them with an earlier grading, per dataset and rule', async () => {
    const folder = temporary('mc-grade-');
    {
      const file = sharedPath('trajectories', 'mathcoder-cl-7b', 'simuleq.jsonl');
      const verdicts = join(folder, 'verdicts.jsonl');
      expect((await mathcoder('grade', file, '--no-symbolic', '--verdicts', verdicts)).code).toBe(0);
      const lines = readFileSync(verdicts, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
      expect(lines).toHaveLength(514);
      expect(lines[69]).toMatchObject({ line: 70, dataset: 'simuleq', graders: { strict: { equal: true, rule: 'bound-unknown' } } });
      // An earlier grading that called row 70 wrong and row 1 (right by both) wrong too.
      const earlier = join(folder, 'earlier.jsonl');
      writeFileSync(earlier, lines.map((line) => JSON.stringify(line.line === 70 || line.line === 1 ? { ...line, graders: { ...line.graders, strict: { ...line.graders.strict, equal: false } } } : line)).join('\n'));
      const compared = await mathcoder('grade', file, '--no-symbolic', '--compare-verdicts', earlier, '--json');
      const flips = JSON.parse(compared.stdout.trim().split('\n').at(-1)!).flips;
      const toCorrect: Record<string, number> = {};
      for (const line of [lines[0], lines[69]]) toCorrect[line.graders.strict.rule] = (toCorrect[line.graders.strict.rule] ?? 0) + 1;
      const correct = lines.filter((line) => line.graders.strict.equal).length;
      expect(flips).toEqual([{ dataset: 'simuleq', rows: 514, correctBefore: correct - 2, correctAfter: correct, toCorrect, toWrong: {} }]);
    }
  });

  it('reports MATH accuracy per subject and level, joined with the MATH test set in --data-dir', async () => {
    const result = await mathcoder('grade', sharedPath('trajectories', 'mathcoder-l-7b', 'math.correct.jsonl'), '--grader', 'mathcoder-compat', '--data-dir', sharedPath('data'));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('by subject:');
    expect(result.stdout).toMatch(/precalculus\s+54\s+compat 100\.0%/);
    expect(result.stdout).toMatch(/Level 5\s+99\s+compat 100\.0%/);
  });

  it('says which row and field is missing, and rejects an unknown grader or dataset on one line', async () => {
    const folder = temporary('mc-grade-');
    const bad = join(folder, 'bad.jsonl');
    writeFileSync(bad, `${JSON.stringify({ reference: '1', completion: '1' })}\n${JSON.stringify({ reference: '2' })}\n`);
    const missing = await mathcoder('grade', bad, '--no-symbolic');
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe(`mathcoder: ${bad}:2: missing or bad field completion (rows need ground_truth.answer and completion, or reference and completion)`);
    const grader = await mathcoder('grade', bad, '--grader', 'lenient');
    expect(grader.stderr.trim()).toBe("mathcoder: option '--grader <name>' argument 'lenient' is invalid. Allowed choices are strict, mathcoder-compat, both.");
    const dataset = await mathcoder('grade', bad, '--dataset', 'gsm8');
    expect(dataset.stderr.trim()).toMatch(/^mathcoder: unknown dataset "gsm8" \(did you mean gsm8k\?\); known: gsm8k, math, svamp, mathematics, simuleq, math500, asdiv, gsm-hard, mawps$/);
  });

  it('reads the authors\' verdicts from file names and sibling files', () => {
    expect(loadGradeRows(sharedPath('trajectories', 'mathcoder-l-7b', 'gsm8k.correct.jsonl')).every((row) => row.published === true)).toBe(true);
    const all = loadGradeRows(sharedPath('trajectories', 'mathcoder-cl-7b', 'svamp.jsonl'));
    expect(all.filter((row) => row.published).length).toBe(707);
  });
});
