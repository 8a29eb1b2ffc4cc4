import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createStrictGrader } from '../../src/grade/strict/strict-grader.js';
import { sharedPath } from '../helpers/shared.js';

/**
 * Reviewed hard cases: rows of the published MathCoder outputs (../shared/trajectories, read at run time) where
 * the two graders disagree, where the strict grader and the authors' verdict differ, or where the answer is an
 * equivalent form of the reference (decimals for fractions, radicals, tuples, choice letters, sorted lists).
 * `expected` is the verdict a careful reader gives; `note` says why. Decimal approximations of exact answers are
 * accepted within a relative 1e-4 (the same tolerance as ToRA's math_equal) and rejected beyond it.
 */
interface HardCase {
  readonly file: string;
  readonly line: number;
  readonly id?: string;
  readonly expected: boolean;
  readonly note: string;
}

const cases = JSON.parse(readFileSync(new URL('./hard-cases.json', import.meta.url), 'utf8')) as HardCase[];
const fileLines = new Map<string, string[]>();
function row(file: string, line: number): { ground_truth: { answer: unknown }; completion: string; id?: string } {
  if (!fileLines.has(file)) fileLines.set(file, readFileSync(sharedPath('trajectories', file), 'utf8').split('\n'));
  return JSON.parse(fileLines.get(file)![line - 1]!);
}

const grader = createStrictGrader();

describe('reviewed hard cases from the published outputs', () => {
  it('holds at least 100 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(100);
    expect(cases.filter((entry) => entry.expected).length).toBeGreaterThan(20);
    expect(cases.filter((entry) => !entry.expected).length).toBeGreaterThan(20);
  });

  it.each(cases.map((entry) => [`${entry.file}:${entry.line}${entry.id ? ` ${entry.id}` : ''}`, entry] as const))('%s', async (_name, entry) => {
    const published = row(entry.file, entry.line);
    if (entry.id) expect(published.id).toBe(entry.id);
    const verdict = await grader.equivalent(String(published.ground_truth.answer), grader.extract(published.completion));
    expect(verdict.equal, `${entry.note}: reference ${String(published.ground_truth.answer)}, answer ${published.completion.slice(0, 80)}`).toBe(entry.expected);
  });
});
