import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { datasetFromPath } from '../../src/datasets/index.js';
import { gradeRows } from '../../src/grade/grade-report.js';
import { loadGradeRows, type GradeRow } from '../../src/grade/grade-rows.js';
import { createStrictGrader } from '../../src/grade/strict/strict-grader.js';
import { sharedPath } from '../helpers/shared.js';

/**
 * The strict grader against verdicts judged by hand (test/grade/hand-judged.json: file, line, expected, why) on
 * rows of the published MathCoder outputs, graded as `mathcoder grade` grades them: the last message, the question
 * and the dataset. Rows marked strictDisagrees are the known differences. Sample points only (no sympy).
 */
interface JudgedCase {
  readonly file: string;
  readonly line: number;
  readonly id?: string;
  readonly expected: boolean;
  readonly why: string;
  readonly strictDisagrees?: string;
}

const { cases } = JSON.parse(readFileSync(new URL('./hand-judged.json', import.meta.url), 'utf8')) as { cases: JudgedCase[] };
const files = new Map<string, GradeRow[]>();
const rowOf = (entry: JudgedCase): GradeRow => {
  if (!files.has(entry.file)) files.set(entry.file, loadGradeRows(sharedPath('trajectories', entry.file)));
  return files.get(entry.file)![entry.line - 1]!;
};

let graded: ReturnType<typeof gradeAll> | null = null;
const verdicts = () => (graded ??= gradeAll());

async function gradeAll() {
  const strict = createStrictGrader();
  const graded = await gradeRows(cases.map(rowOf), {
    gradersFor: () => [strict],
    contextOf: (row) => ({ question: row.question, ...(datasetFromPath(row.file) ? { dataset: datasetFromPath(row.file)! } : {}) }),
  });
  return graded.map((row) => row.results[0]!.verdict);
}

describe('hand-judged verdicts on the published outputs', () => {
  it('agrees with at least 90% of them, with no row called correct that was judged wrong', async () => {
    const results = await verdicts();
    const agree = results.filter((verdict, index) => verdict.equal === cases[index]!.expected).length;
    const falsePositives = results.filter((verdict, index) => verdict.equal && !cases[index]!.expected);
    expect(cases.length).toBeGreaterThanOrEqual(200);
    expect(agree / cases.length).toBeGreaterThanOrEqual(0.9);
    expect(falsePositives).toEqual([]);
  });

  it('gives every row its judged verdict, except the known differences', async () => {
    const results = await verdicts();
    for (const [index, entry] of cases.entries()) {
      if (entry.id) expect(rowOf(entry).id).toBe(entry.id);
      const expected = entry.strictDisagrees ? !entry.expected : entry.expected;
      expect(results[index]!.equal, `${entry.file}:${entry.line}: ${entry.why} (strict: ${results[index]!.rule}: ${results[index]!.why})`).toBe(expected);
    }
  });
});
