import { z } from 'zod';
import type { EvalRow } from '../eval/index.js';
import { GRADER_NAMES, type GraderName } from '../grade/types.js';
import { STOP_REASONS, type StopReason } from '../solve/types.js';
import { ApiError } from './api-error.js';

/** Which problems of a run a list shows: every field narrows the list; absent fields do not. */
export interface ProblemFilter {
  readonly dataset?: string;
  /** Right or wrong by `grader`. */
  readonly correct?: boolean;
  readonly grader: GraderName;
  /** Only rows where the two graders disagree (or, false, agree). */
  readonly disagree?: boolean;
  readonly stopReason?: StopReason;
  readonly subject?: string;
  readonly level?: number;
  /** Case-insensitive text in the question, the id, the reference or the answers. */
  readonly text?: string;
}

export interface PageRequest {
  readonly offset: number;
  readonly limit: number;
}

export const MAX_PAGE_SIZE = 500;
export const DEFAULT_PAGE_SIZE = 50;

const flag = z.enum(['true', 'false']).transform((value) => value === 'true');
const wholeNumber = z.string().regex(/^\d+$/, 'must be a whole number').transform(Number);

/** The query string of the problem list (and of a problem page, for its next/previous). */
const querySchema = z.strictObject({
  dataset: z.string().min(1).optional(),
  correct: flag.optional(),
  grader: z.enum(GRADER_NAMES as [GraderName, ...GraderName[]]).optional(),
  disagree: flag.optional(),
  stop_reason: z.enum(STOP_REASONS).optional(),
  subject: z.string().min(1).optional(),
  level: wholeNumber.optional(),
  q: z.string().max(500, 'must be at most 500 characters').optional(),
  offset: wholeNumber.optional(),
  limit: wholeNumber.refine((value) => value >= 1 && value <= MAX_PAGE_SIZE, `must be between 1 and ${MAX_PAGE_SIZE}`).optional(),
});

/** Reads the query string; an unknown or malformed parameter is a 400 that names it and what it takes. */
export function parseProblemQuery(query: Record<string, string>, options: { paging: boolean }): { filter: ProblemFilter; page: PageRequest } {
  const result = querySchema.safeParse(query);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const name = issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : issue.path.join('.');
    const message =
      issue.code === 'unrecognized_keys'
        ? `unknown query parameter ${name}: the problem list takes dataset, correct, grader, disagree, stop_reason, subject, level, q, offset, limit`
        : `query parameter ${name} ${issue.code === 'invalid_value' ? `must be one of ${issue.values.join(', ')}` : issue.message}`;
    throw new ApiError(400, 'bad-query', message);
  }
  const value = result.data;
  if (!options.paging && (value.offset !== undefined || value.limit !== undefined)) {
    throw new ApiError(400, 'bad-query', 'offset and limit are for the problem list, not a single problem');
  }
  const text = value.q?.trim().toLowerCase();
  return {
    filter: {
      grader: value.grader ?? 'strict',
      ...(value.dataset === undefined ? {} : { dataset: value.dataset }),
      ...(value.correct === undefined ? {} : { correct: value.correct }),
      ...(value.disagree === undefined ? {} : { disagree: value.disagree }),
      ...(value.stop_reason === undefined ? {} : { stopReason: value.stop_reason }),
      ...(value.subject === undefined ? {} : { subject: value.subject }),
      ...(value.level === undefined ? {} : { level: value.level }),
      ...(text ? { text } : {}),
    },
    page: { offset: value.offset ?? 0, limit: value.limit ?? DEFAULT_PAGE_SIZE },
  };
}

/** Whether a row passes the filter; `haystack` is the row's searchable text, lower-cased once. */
export function matchesFilter(row: EvalRow, haystack: string, filter: ProblemFilter): boolean {
  if (filter.dataset !== undefined && row.dataset !== filter.dataset) return false;
  if (filter.correct !== undefined && (row.grades[filter.grader]?.correct ?? false) !== filter.correct) return false;
  if (filter.disagree !== undefined && isDisagreement(row) !== filter.disagree) return false;
  if (filter.stopReason !== undefined && row.stop_reason !== filter.stopReason) return false;
  if (filter.subject !== undefined && row.subject !== filter.subject) return false;
  if (filter.level !== undefined && row.level !== filter.level) return false;
  if (filter.text !== undefined && !haystack.includes(filter.text)) return false;
  return true;
}

export function isDisagreement(row: EvalRow): boolean {
  return (row.grades.strict?.correct ?? false) !== (row.grades['mathcoder-compat']?.correct ?? false);
}

/** The text a search looks in: id, question, reference and the answers, lower-cased. */
export function searchText(row: EvalRow): string {
  const answers = GRADER_NAMES.map((name) => row.grades[name]?.answer ?? '').join('\n');
  return `${row.id}\n${row.question}\n${row.reference}\n${row.answer ?? ''}\n${answers}`.toLowerCase();
}
