import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { MathcoderError, errorMessage } from '../errors.js';
import { NEAR_DUPLICATE_THRESHOLD } from './clean-choices.js';
import { readJsonl } from '../util/jsonl.js';
import { countLines } from './count-lines.js';
import { ContaminationIndex, type DecontaminationRule, type TestProblem } from './contamination.js';
import { NgramIndex } from './ngram-index.js';
import { plainKey, plainWords, wordNgrams } from './text-normalization.js';

/**
 * `data clean`: one pass over training rows, in order, each kept or removed with a reason:
 * - `exact-duplicate`: the same question (ignoring case, punctuation, spacing) with the same solution as a row
 *   kept earlier (a question's several different solutions are all kept);
 * - `near-duplicate`: a question nearly the same as an earlier kept one (word 3-gram Jaccard above 0.8, numbers
 *   kept, so problems that differ in their numbers are different problems); all its rows go;
 * - `test-exact` / `test-ngram`: the question copies a benchmark test problem (contamination.ts).
 * Rows are written as read (their `id` and every field kept); removed rows get a `removal` field. Both files are
 * written under temporary names and renamed at the end, so a killed run leaves nothing half-written and running
 * again does it all again.
 */
export const REMOVAL_REASONS = ['exact-duplicate', 'near-duplicate', 'test-exact', 'test-ngram'] as const;
export type RemovalReason = (typeof REMOVAL_REASONS)[number];

export interface Removal {
  readonly reason: RemovalReason;
  /** The kept row's id, or the test problem's id. */
  readonly of: string;
  readonly dataset?: string;
  readonly similarity: number;
  readonly rule?: DecontaminationRule;
  /** The test question (or kept question) matched, for the report. */
  readonly matched: string;
}

export interface CleanOptions {
  readonly inputs: readonly string[];
  readonly keptPath: string;
  readonly removedPath: string;
  readonly tests: readonly TestProblem[];
  readonly rule: DecontaminationRule;
  /** The rule's n-gram Jaccard threshold, when not its own (0.6). */
  readonly threshold?: number;
  readonly nearDuplicateThreshold?: number;
  readonly onProgress?: (done: number, total: number, removed: number) => void;
}

export interface CleanedRow {
  readonly id: string;
  readonly question: string;
  readonly removal: Removal | null;
}

export interface CleanOutcome {
  readonly rows: number;
  readonly kept: number;
  readonly removed: readonly CleanedRow[];
  readonly inputs: ReadonlyArray<{ readonly path: string; readonly rows: number }>;
}

export { NEAR_DUPLICATE_THRESHOLD };
/** Questions with fewer distinct word 3-grams than this are compared exactly only. */
const NEAR_DUPLICATE_MIN_GRAMS = 5;

/** The question of a row: its `question` field, else the text of its user message (train_80k rows). */
export function rowQuestion(row: Record<string, unknown>, where: string): string {
  if (typeof row.question === 'string') return row.question;
  const messages = row.messages;
  if (Array.isArray(messages)) {
    const user = messages.find((message) => (message as { role?: unknown })?.role === 'user') as { content?: unknown } | undefined;
    if (typeof user?.content === 'string') return user.content;
    if (Array.isArray(user?.content)) return user.content.map((block) => String((block as { content?: unknown })?.content ?? '')).join('');
  }
  throw new MathcoderError('input', `${where}: the row has no question (a "question" field, or a user message in "messages")`);
}

/** The assistant's blocks as one text ('' for a question-only row). */
function solutionText(row: Record<string, unknown>): string {
  const messages = Array.isArray(row.messages) ? (row.messages as Array<{ role?: unknown; content?: unknown }>) : [];
  return messages
    .filter((message) => message.role === 'assistant')
    .map((message) => (Array.isArray(message.content) ? message.content.map((block) => `${String(block?.type)}:${String(block?.content)}`).join('\n') : String(message.content ?? '')))
    .join('\n')
    .replace(/\s+/g, ' ')
    .trim();
}

class OutputFile {
  private readonly temporary: string;
  private readonly fd: number;

  constructor(private readonly path: string) {
    this.temporary = `${path}.tmp-${process.pid}`;
    try {
      this.fd = openSync(this.temporary, 'w');
    } catch (error) {
      throw new MathcoderError('output', `cannot write ${path}: ${errorMessage(error)}`);
    }
  }

  write(value: unknown): void {
    writeSync(this.fd, JSON.stringify(value) + '\n');
  }

  commit(): void {
    closeSync(this.fd);
    renameSync(this.temporary, this.path);
  }

  discard(): void {
    try {
      closeSync(this.fd);
    } catch {
      // Already closed.
    }
    rmSync(this.temporary, { force: true });
  }
}

interface ProblemGroup {
  /** Null while the problem's rows are kept; else why they all go. */
  readonly removal: Removal | null;
  readonly solutions: Map<string, string>;
}

export async function cleanRows(options: CleanOptions): Promise<CleanOutcome> {
  const contamination = ContaminationIndex.build(options.tests, options.rule, options.threshold);
  const nearThreshold = options.nearDuplicateThreshold ?? NEAR_DUPLICATE_THRESHOLD;
  const nearIndex = new NgramIndex();
  const nearQuestions: Array<{ id: string; question: string }> = [];
  const groups = new Map<string, ProblemGroup>();
  const inputs: Array<{ path: string; rows: number }> = [];
  let total = 0;
  for (const path of options.inputs) total += await countLines(path);

  const kept = new OutputFile(options.keptPath);
  let removedFile: OutputFile;
  try {
    removedFile = new OutputFile(options.removedPath);
  } catch (error) {
    kept.discard();
    throw error;
  }
  const removed: CleanedRow[] = [];
  let done = 0;
  let keptCount = 0;

  const classify = (id: string, question: string, solution: string): Removal | null => {
    const key = plainKey(question);
    const group = groups.get(key);
    if (group) {
      if (group.removal) return group.removal;
      const same = group.solutions.get(solution);
      if (same !== undefined) return { reason: 'exact-duplicate', of: same, similarity: 1, matched: question };
      group.solutions.set(solution, id);
      return null;
    }
    let removal: Removal | null = null;
    const test = contamination.match(question);
    if (test) {
      removal = { reason: test.kind === 'exact-substring' ? 'test-exact' : 'test-ngram', of: test.test.id, dataset: test.test.dataset, similarity: test.similarity, rule: options.rule, matched: test.test.question };
    } else {
      const grams = wordNgrams(plainWords(question), 3);
      const near = grams.size >= NEAR_DUPLICATE_MIN_GRAMS ? nearIndex.best(grams, nearThreshold) : null;
      if (near) {
        const other = nearQuestions[near.document]!;
        removal = { reason: 'near-duplicate', of: other.id, similarity: near.similarity, matched: other.question };
      } else if (grams.size >= NEAR_DUPLICATE_MIN_GRAMS) {
        nearIndex.add(grams);
        nearQuestions.push({ id, question });
      }
    }
    groups.set(key, { removal, solutions: new Map(removal ? [] : [[solution, id]]) });
    return removal;
  };

  try {
    for (const path of options.inputs) {
      let rows = 0;
      for await (const { lineNumber, value } of readJsonl(path)) {
        const where = `${path}:${lineNumber}`;
        if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new MathcoderError('input', `${where}: a row must be a JSON object`);
        const row = value as Record<string, unknown>;
        const id = typeof row.id === 'string' || typeof row.id === 'number' ? String(row.id) : where;
        const question = rowQuestion(row, where);
        const removal = classify(id, question, solutionText(row));
        if (removal) {
          removedFile.write({ ...row, removal });
          removed.push({ id, question, removal });
        } else {
          kept.write(row);
          keptCount += 1;
        }
        rows += 1;
        done += 1;
        options.onProgress?.(done, total, removed.length);
      }
      inputs.push({ path, rows });
    }
    if (done === 0) throw new MathcoderError('input', `${options.inputs.join(', ')} ${options.inputs.length === 1 ? 'holds' : 'hold'} no rows: nothing to clean`);
    kept.commit();
    removedFile.commit();
  } catch (error) {
    kept.discard();
    removedFile.discard();
    throw error;
  }
  return { rows: done, kept: keptCount, removed, inputs };
}
