import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { MathcoderError } from '../errors.js';
import { readJsonlSync } from '../util/jsonl.js';
import { publishedLastMessage } from './final-answers.js';

/**
 * Rows to grade, read from result files: the published MathCoder format (`messages`, `ground_truth.answer`,
 * `completion`, and `debug_result`, whose last message the strict grader reads) or a plain
 * `{id?, question?, reference, completion, message?, correct?}`. A verdict already in the file is
 * kept as `published`: the authors' `*.correct.jsonl` / `*.wrong.jsonl` splits (also `-correct`/`-wrong`, as
 * evaluate.py names them), membership in a sibling `X.correct.jsonl` for an `X.jsonl` of all rows, or a boolean
 * `correct` field.
 */

export interface GradeRow {
  readonly file: string;
  readonly lineNumber: number;
  readonly id: string;
  readonly question: string;
  readonly reference: string;
  readonly completion: string;
  /** The model's last message (published rows: the last `debug_result` entry the model wrote), if the file has it. */
  readonly message?: string;
  /** Whether that message is complete (the model finished with a text), if known. */
  readonly complete?: boolean;
  /** The verdict the file already carries, or null. */
  readonly published: boolean | null;
}

const publishedRow = z.looseObject({
  id: z.union([z.string(), z.number()]).optional(),
  messages: z.array(z.looseObject({ role: z.string(), content: z.union([z.string(), z.array(z.looseObject({ content: z.string() }))]) })),
  ground_truth: z.looseObject({ answer: z.union([z.string(), z.number(), z.null()]) }),
  completion: z.string(),
  debug_result: z.array(z.looseObject({ role: z.string(), content: z.string() })).optional(),
  correct: z.boolean().optional(),
});

const plainRow = z.looseObject({
  id: z.union([z.string(), z.number()]).optional(),
  question: z.string().optional(),
  reference: z.union([z.string(), z.number()]),
  completion: z.string(),
  message: z.string().optional(),
  correct: z.boolean().optional(),
});

function referenceString(value: string | number | null): string {
  return value === null ? 'None' : String(value);
}

function userText(messages: z.infer<typeof publishedRow>['messages']): string {
  const user = messages.find((message) => message.role === 'user');
  if (!user) return '';
  return typeof user.content === 'string' ? user.content : user.content.map((block) => block.content).join('');
}

function parseRow(value: unknown, where: string): Omit<GradeRow, 'file' | 'lineNumber' | 'published'> & { correct?: boolean } {
  if (value !== null && typeof value === 'object' && 'ground_truth' in value) {
    const result = publishedRow.safeParse(value);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      throw new MathcoderError('input', `${where}: field ${issue.path.join('.') || '(row)'}: ${issue.message}`);
    }
    const row = result.data;
    const last = row.debug_result && row.debug_result.length > 0 ? publishedLastMessage(row.debug_result, row.completion) : null;
    return {
      id: row.id === undefined ? '' : String(row.id),
      question: userText(row.messages),
      reference: referenceString(row.ground_truth.answer),
      completion: row.completion,
      ...(last ? { message: last.text, complete: last.complete } : {}),
      ...(row.correct === undefined ? {} : { correct: row.correct }),
    };
  }
  const result = plainRow.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.join('.') || '(row)';
    throw new MathcoderError('input', `${where}: missing or bad field ${field} (rows need ground_truth.answer and completion, or reference and completion)`);
  }
  const row = result.data;
  return {
    id: row.id === undefined ? '' : String(row.id),
    question: row.question ?? '',
    reference: String(row.reference),
    completion: row.completion,
    ...(row.message === undefined ? {} : { message: row.message }),
    ...(row.correct === undefined ? {} : { correct: row.correct }),
  };
}

const rowKey = (row: { question: string; reference: string; completion: string }) => JSON.stringify([row.question, row.reference, row.completion]);

/** The verdict a file's name gives all its rows, or, for X.jsonl with a sibling X.correct.jsonl, a membership test. */
function publishedVerdicts(file: string): ((row: { question: string; reference: string; completion: string }) => boolean) | boolean | null {
  const name = basename(file);
  if (/[.-]correct\.jsonl$/.test(name)) return true;
  if (/[.-]wrong\.jsonl$/.test(name)) return false;
  const stem = name.replace(/\.jsonl$/, '');
  const sibling = [`${stem}.correct.jsonl`, `${stem}-correct.jsonl`].map((candidate) => join(dirname(file), candidate)).find((path) => existsSync(path));
  if (!sibling) return null;
  const correct = new Set(readJsonlSync(sibling).map(({ lineNumber, value }) => rowKey(parseRow(value, `${sibling}:${lineNumber}`))));
  return (row) => correct.has(rowKey(row));
}

export function loadGradeRows(file: string): GradeRow[] {
  const lines = readJsonlSync(file);
  if (lines.length === 0) throw new MathcoderError('input', `${file}: no rows to grade`);
  const verdicts = publishedVerdicts(file);
  return lines.map(({ lineNumber, value }) => {
    const { correct, ...row } = parseRow(value, `${file}:${lineNumber}`);
    const published = typeof verdicts === 'function' ? verdicts(row) : verdicts ?? correct ?? null;
    return { file, lineNumber, ...row, id: row.id || `${basename(file)}:${lineNumber}`, published };
  });
}
