import { isDeepStrictEqual } from 'node:util';
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { MathcoderError, errorMessage } from '../errors.js';
import { MATHCODER_SYNTAX, parseTrainRow, trainRowConversation, type TrainRow } from '../format/index.js';
import type { TextTokenizer } from '../tokenizer/index.js';
import { readJsonl } from '../util/jsonl.js';
import { countLines } from './count-lines.js';
import { countBy } from './d0-stats.js';

/**
 * `data export`: the training examples as train_80k.jsonl rows (SPEC 3.1: `{"messages": [{"role", "content":
 * [{"type", "content"}]}]}` with the row's `id`, and by default its source and provenance beside), each checked to
 * render with the MathCoder renderer and parse back to the same conversation; and the stats of what was written:
 * rows by source, blocks, lengths in tokens of the chosen tokenizer, and the share of executions that failed.
 */
export interface ExportOptions {
  readonly inputs: readonly string[];
  readonly outPath: string;
  readonly tokenizer: TextTokenizer;
  /** Only `id` and `messages` (what the released file has); otherwise every field of the example is kept. */
  readonly messagesOnly: boolean;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface LengthStats {
  readonly mean: number;
  readonly median: number;
  readonly p95: number;
  readonly max: number;
  readonly total: number;
}

export interface ExportStats {
  readonly rows: number;
  readonly bySource: Readonly<Record<string, number>>;
  readonly byStage: Readonly<Record<string, number>>;
  readonly blocks: Readonly<Record<'text' | 'code' | 'execution', { readonly total: number; readonly perRow: number }>>;
  readonly tokens: LengthStats & { readonly tokenizer: string };
  readonly executions: {
    readonly cells: number;
    readonly failed: number;
    readonly failedShare: number;
    /** Cells whose status was not recorded (rows from elsewhere): judged failed when their text is a traceback. */
    readonly fromText: number;
  };
}

const TRACEBACK = /Traceback \(most recent call last\)|^\w*(?:Error|Exception)\b/m;

function lengthStats(values: number[]): LengthStats {
  if (values.length === 0) return { mean: 0, median: 0, p95: 0, max: 0, total: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const total = sorted.reduce((sum, value) => sum + value, 0);
  const at = (fraction: number) => sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
  return { mean: total / sorted.length, median: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1]!, total };
}

/** Renders the row and parses the text back; an error names the row when the two differ. */
export function checkRoundTrip(row: Pick<TrainRow, 'messages'>, where: string): string {
  const conversation = trainRowConversation({ messages: row.messages });
  let text: string;
  try {
    text = MATHCODER_SYNTAX.render(conversation);
  } catch (error) {
    throw new MathcoderError('input', `${where}: the row does not render as a MathCoder conversation (${errorMessage(error)})`);
  }
  if (!isDeepStrictEqual(MATHCODER_SYNTAX.parse(text), conversation)) throw new MathcoderError('input', `${where}: the row does not parse back to the same conversation after rendering`);
  return text;
}

/**
 * Writes the rows under a temporary name (`OUT.tmp-PID`) renamed to `outPath` once every row passed; on any
 * failure, and when the inputs hold no row, the temporary file is removed and `outPath` is left as it was.
 */
export async function exportRows(options: ExportOptions): Promise<ExportStats> {
  let total = 0;
  for (const path of options.inputs) total += await countLines(path);
  const temporary = `${options.outPath}.tmp-${process.pid}`;
  let fd: number;
  try {
    fd = openSync(temporary, 'w');
  } catch (error) {
    throw new MathcoderError('output', `cannot write ${options.outPath}: ${errorMessage(error)}`);
  }
  const sources: string[] = [];
  const stages: string[] = [];
  const lengths: number[] = [];
  const blocks = { text: 0, code: 0, execution: 0 };
  const cells = { total: 0, failed: 0, fromText: 0 };
  try {
    for (const path of options.inputs) {
      for await (const { lineNumber, value } of readJsonl(path)) {
        const where = `${path}:${lineNumber}`;
        const row = parseTrainRow(value, where);
        const text = checkRoundTrip(row, where);
        const id = typeof row.id === 'string' || typeof row.id === 'number' ? String(row.id) : where;
        writeSync(fd, JSON.stringify(options.messagesOnly ? { id, messages: row.messages } : { ...row, id }) + '\n');
        sources.push(typeof row.source === 'string' ? row.source : 'unknown');
        const provenance = row.provenance as { stage?: unknown } | undefined;
        stages.push(typeof provenance?.stage === 'string' ? provenance.stage : 'unknown');
        lengths.push(options.tokenizer.encode(text).length);
        const assistant = row.messages.filter((message) => message.role === 'assistant').flatMap((message) => message.content);
        for (const block of assistant) blocks[block.type] += 1;
        const statuses = Array.isArray(row.executions) ? (row.executions as unknown[]) : null;
        assistant
          .filter((block) => block.type === 'execution')
          .forEach((block, index) => {
            cells.total += 1;
            const status = statuses?.[index];
            if (typeof status === 'string') {
              if (status !== 'ok') cells.failed += 1;
            } else {
              cells.fromText += 1;
              if (TRACEBACK.test(block.content)) cells.failed += 1;
            }
          });
        options.onProgress?.(lengths.length, total);
      }
    }
    if (lengths.length === 0) throw new MathcoderError('input', `${options.inputs.join(', ')} ${options.inputs.length === 1 ? 'holds' : 'hold'} no training examples: nothing to export`);
    closeSync(fd);
    renameSync(temporary, options.outPath);
  } catch (error) {
    try {
      closeSync(fd);
    } catch {
      // Already closed.
    }
    rmSync(temporary, { force: true });
    throw error;
  }
  const rows = lengths.length;
  const perRow = (count: number) => ({ total: count, perRow: rows === 0 ? 0 : count / rows });
  return {
    rows,
    bySource: countBy(sources, (source) => source),
    byStage: countBy(stages, (stage) => stage),
    blocks: { text: perRow(blocks.text), code: perRow(blocks.code), execution: perRow(blocks.execution) },
    tokens: { tokenizer: options.tokenizer.source, ...lengthStats(lengths) },
    executions: { cells: cells.total, failed: cells.failed, failedShare: cells.total === 0 ? 0 : cells.failed / cells.total, fromText: cells.fromText },
  };
}
