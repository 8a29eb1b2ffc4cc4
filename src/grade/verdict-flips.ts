import { z } from 'zod';
import { MathcoderError } from '../errors.js';
import { readJsonlSync } from '../util/jsonl.js';
import type { GraderName } from './types.js';

/**
 * How one grader's verdicts changed between two gradings of the same rows (`grade --verdicts` files, e.g. the
 * strict grader before and after a change): per dataset, rows and correct counts before and after, and the rows
 * that flipped, wrong → correct and correct → wrong, by the rule that decided after.
 */

const verdictLine = z.looseObject({
  file: z.string(),
  line: z.number(),
  dataset: z.string().nullable().optional(),
  graders: z.record(z.string(), z.looseObject({ equal: z.boolean(), rule: z.string().optional() })),
});

export type VerdictLine = z.infer<typeof verdictLine>;

export interface FlipTable {
  readonly dataset: string;
  readonly rows: number;
  readonly correctBefore: number;
  readonly correctAfter: number;
  /** Rows that became correct, by the rule that decided after. */
  readonly toCorrect: Record<string, number>;
  /** Rows that became wrong, by the rule that decided after. */
  readonly toWrong: Record<string, number>;
}

export function readVerdictLines(path: string): VerdictLine[] {
  return readJsonlSync(path).map(({ lineNumber, value }) => {
    const result = verdictLine.safeParse(value);
    if (!result.success) throw new MathcoderError('input', `${path}:${lineNumber}: not a verdict line of grade --verdicts (needs file, line, graders)`);
    return result.data;
  });
}

/** The row's key across runs: the last two parts of its file's path and its line. */
const rowKey = (line: { file: string; line: number }) => `${line.file.split(/[\\/]/).slice(-2).join('/')}:${line.line}`;

export function verdictFlips(before: readonly VerdictLine[], after: readonly VerdictLine[], grader: GraderName = 'strict'): FlipTable[] {
  const earlier = new Map(before.map((line) => [rowKey(line), line]));
  const tables = new Map<string, { rows: number; correctBefore: number; correctAfter: number; toCorrect: Record<string, number>; toWrong: Record<string, number> }>();
  for (const line of after) {
    const old = earlier.get(rowKey(line))?.graders[grader];
    const now = line.graders[grader];
    if (!old || !now) continue;
    const dataset = line.dataset ?? 'unknown';
    const table = tables.get(dataset) ?? { rows: 0, correctBefore: 0, correctAfter: 0, toCorrect: {}, toWrong: {} };
    tables.set(dataset, table);
    table.rows += 1;
    if (old.equal) table.correctBefore += 1;
    if (now.equal) table.correctAfter += 1;
    const rule = now.rule ?? 'unknown';
    if (!old.equal && now.equal) table.toCorrect[rule] = (table.toCorrect[rule] ?? 0) + 1;
    if (old.equal && !now.equal) table.toWrong[rule] = (table.toWrong[rule] ?? 0) + 1;
  }
  return [...tables].map(([dataset, table]) => ({ dataset, ...table }));
}
