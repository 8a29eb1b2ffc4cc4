import { forEachConcurrent } from '../util/concurrency.js';
import { gradeAnswer, type GradedAnswer } from './grade-answer.js';
import type { GradeRow } from './grade-rows.js';
import type { GradeContext, Grader, GraderName } from './types.js';

/**
 * Grades rows with one or both graders and sums them up per file, per MATH subject and level, with the counts
 * of rows where the graders disagree with each other and with the verdict already in the file.
 */

export interface RowMetadata {
  readonly subject?: string;
  readonly level?: number;
}

export interface GradedRow extends GradeRow, RowMetadata {
  readonly results: readonly GradedAnswer[];
}

export interface Tally {
  rows: number;
  correct: Partial<Record<GraderName, number>>;
}

export interface FileGradeReport {
  readonly file: string;
  readonly dataset: string | null;
  readonly rows: number;
  readonly correct: Partial<Record<GraderName, number>>;
  /** Rows whose verdict differs between strict and mathcoder-compat (null with one grader). */
  readonly gradersDisagree: number | null;
  /** Rows carrying a verdict in the file, how many of them it calls correct, and each grader's disagreements with it. */
  readonly published: { readonly rows: number; readonly correct: number; readonly disagree: Partial<Record<GraderName, number>> } | null;
  readonly bySubject: Record<string, Tally>;
  readonly byLevel: Record<string, Tally>;
  /** How strict verdicts were reached (text, numeric, symbolic, …). */
  readonly strictMethods: Record<string, number>;
  /** Which strict rule decided, and how many of its verdicts were "correct": `{rows, correct}` per rule. */
  readonly strictRules: Record<string, { rows: number; correct: number }>;
}

export interface GradeRowsOptions {
  /** Graders for a row (e.g. per dataset: the compat grader strips letters on GSM8K). */
  readonly gradersFor: (row: GradeRow) => readonly Grader[];
  readonly metadataOf?: (row: GradeRow) => RowMetadata;
  /** What the graders may know about a row besides its answers: the question is the row's, the dataset the file's. */
  readonly contextOf?: (row: GradeRow) => GradeContext;
  readonly concurrency?: number;
  readonly onProgress?: (done: number) => void;
}

export async function gradeRows(rows: readonly GradeRow[], options: GradeRowsOptions): Promise<GradedRow[]> {
  const graded: GradedRow[] = new Array(rows.length);
  let done = 0;
  await forEachConcurrent(rows, options.concurrency ?? 8, async (row, index) => {
    const solution = { completion: row.completion, ...(row.message === undefined ? {} : { message: row.message }), ...(row.complete === undefined ? {} : { complete: row.complete }) };
    const results = await gradeAnswer(row.reference, solution, options.gradersFor(row), options.contextOf?.(row) ?? { question: row.question });
    graded[index] = { ...row, ...options.metadataOf?.(row), results };
    done += 1;
    options.onProgress?.(done);
  });
  return graded;
}

const verdictOf = (row: GradedRow, grader: GraderName) => row.results.find((result) => result.grader === grader)?.verdict.equal;

function tally(into: Record<string, Tally>, key: string, row: GradedRow): void {
  const entry = (into[key] ??= { rows: 0, correct: {} });
  entry.rows += 1;
  for (const result of row.results) entry.correct[result.grader] = (entry.correct[result.grader] ?? 0) + (result.verdict.equal ? 1 : 0);
}

export function fileReport(file: string, dataset: string | null, rows: readonly GradedRow[]): FileGradeReport {
  const graders = [...new Set(rows.flatMap((row) => row.results.map((result) => result.grader)))];
  const correct: Partial<Record<GraderName, number>> = {};
  for (const grader of graders) correct[grader] = rows.filter((row) => verdictOf(row, grader)).length;
  const withPublished = rows.filter((row) => row.published !== null);
  const disagree: Partial<Record<GraderName, number>> = {};
  for (const grader of graders) disagree[grader] = withPublished.filter((row) => verdictOf(row, grader) !== row.published).length;
  const bySubject: Record<string, Tally> = {};
  const byLevel: Record<string, Tally> = {};
  const strictMethods: Record<string, number> = {};
  const strictRules: Record<string, { rows: number; correct: number }> = {};
  for (const row of rows) {
    if (row.subject) tally(bySubject, row.subject, row);
    if (row.level !== undefined) tally(byLevel, `Level ${row.level}`, row);
    const strict = row.results.find((result) => result.grader === 'strict');
    if (strict) {
      const key = strict.verdict.reason === 'timeout' ? 'symbolic-timeout' : strict.verdict.method;
      strictMethods[key] = (strictMethods[key] ?? 0) + 1;
      const rule = (strictRules[strict.verdict.rule] ??= { rows: 0, correct: 0 });
      rule.rows += 1;
      if (strict.verdict.equal) rule.correct += 1;
    }
  }
  return {
    file,
    dataset,
    rows: rows.length,
    correct,
    gradersDisagree: graders.length === 2 ? rows.filter((row) => verdictOf(row, 'strict') !== verdictOf(row, 'mathcoder-compat')).length : null,
    published: withPublished.length === 0 ? null : { rows: withPublished.length, correct: withPublished.filter((row) => row.published).length, disagree },
    bySubject,
    byLevel,
    strictMethods,
    strictRules,
  };
}

/** A row worth auditing: the graders disagree, or one of them disagrees with the verdict in the file. */
export function isDisagreement(row: GradedRow): boolean {
  const verdicts = row.results.map((result) => result.verdict.equal);
  if (new Set(verdicts).size > 1) return true;
  return row.published !== null && verdicts.some((verdict) => verdict !== row.published);
}

/** The JSONL record of a disagreement, for a person to audit. */
export function disagreementRecord(row: GradedRow): Record<string, unknown> {
  return {
    file: row.file,
    line: row.lineNumber,
    id: row.id,
    ...(row.subject ? { subject: row.subject } : {}),
    ...(row.level !== undefined ? { level: row.level } : {}),
    question: row.question,
    reference: row.reference,
    completion: row.completion,
    published: row.published,
    graders: Object.fromEntries(row.results.map((result) => [result.grader, { answer: result.answer, answers: result.answers, ...result.verdict }])),
  };
}

/** One row's verdicts, compact (`grade --verdicts`), to compare with another grader version's (`--compare-verdicts`). */
export function verdictRecord(row: GradedRow, dataset: string | null): Record<string, unknown> {
  return {
    file: row.file,
    line: row.lineNumber,
    id: row.id,
    dataset,
    published: row.published,
    graders: Object.fromEntries(row.results.map((result) => [result.grader, { answer: result.answer, equal: result.verdict.equal, rule: result.verdict.rule, why: result.verdict.why }])),
  };
}
