import { MathcoderError } from '../errors.js';
import { parsePublishedRow, publishedTrajectory } from '../format/published-row.js';
import { executionText } from '../sandbox/execution-text.js';
import type { CellStatus, Sandbox } from '../sandbox/types.js';
import { forEachConcurrent } from '../util/concurrency.js';
import { readJsonlSync } from '../util/jsonl.js';
import { classifyMismatch, type MismatchKind } from './mismatch-kinds.js';
import { normaliseExecution } from './normalise.js';

/**
 * Re-executes the code cells of published trajectories, one fresh session per trajectory and its cells in
 * order, and compares each execution with the published one after normaliseExecution.
 */

export interface ReplayCell {
  /** The code of the cell and the index of its block in the trajectory. */
  readonly blockIndex: number;
  readonly code: string;
  readonly published: string;
}

export interface ReplayRow {
  readonly file: string;
  readonly lineNumber: number;
  readonly id: string;
  readonly cells: readonly ReplayCell[];
}

export interface CellComparison {
  readonly file: string;
  readonly lineNumber: number;
  readonly id: string;
  readonly cellNumber: number;
  readonly code: string;
  readonly published: string;
  readonly replayed: string;
  readonly status: CellStatus;
  readonly matched: boolean;
  readonly kind: MismatchKind | null;
}

export interface FileReplayReport {
  readonly file: string;
  readonly rows: number;
  /** Rows with no code cell to replay. */
  readonly rowsWithoutCode: number;
  readonly cells: number;
  readonly matched: number;
  readonly mismatchKinds: Partial<Record<MismatchKind, number>>;
  readonly mismatches: readonly CellComparison[];
}

export interface ReplayProgress {
  readonly rowsDone: number;
  readonly rowsTotal: number;
  readonly cellsDone: number;
  readonly cellsMatched: number;
}

export interface ReplayOptions {
  /** Trajectories replayed at once (each in its own session). */
  readonly concurrency: number;
  /** Per-cell time limit. */
  readonly timeoutMs?: number;
  readonly onProgress?: (progress: ReplayProgress) => void;
}

/** Reads the rows of published trajectory files and pairs every code cell with the execution printed after it. */
export function loadReplayRows(file: string): ReplayRow[] {
  return readJsonlSync(file).map(({ lineNumber, value }) => {
    const row = parsePublishedRow(value, `${file}:${lineNumber}`);
    const blocks = publishedTrajectory(row).blocks;
    const cells: ReplayCell[] = [];
    blocks.forEach((block, index) => {
      const next = blocks[index + 1];
      if (block.type === 'code' && next?.type === 'execution') cells.push({ blockIndex: index, code: block.content, published: next.content });
    });
    return { file, lineNumber, id: row.id ?? `line-${lineNumber}`, cells };
  });
}

export async function replayRows(rows: readonly ReplayRow[], sandbox: Sandbox, options: ReplayOptions): Promise<CellComparison[][]> {
  const results: CellComparison[][] = rows.map(() => []);
  let rowsDone = 0;
  let cellsDone = 0;
  let cellsMatched = 0;
  await forEachConcurrent(rows, options.concurrency, async (row, rowIndex) => {
    if (row.cells.length > 0) {
      const session = await sandbox.createSession();
      try {
        for (const [cellIndex, cell] of row.cells.entries()) {
          const result = await session.run(cell.code, options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs });
          const replayed = executionText(result, { style: 'mathcoder' });
          const matched = normaliseExecution(replayed) === normaliseExecution(cell.published);
          results[rowIndex]!.push({
            file: row.file,
            lineNumber: row.lineNumber,
            id: row.id,
            cellNumber: cellIndex + 1,
            code: cell.code,
            published: cell.published,
            replayed,
            status: result.status,
            matched,
            kind: matched
              ? null
              : classifyMismatch({ code: cell.code, published: cell.published, replayed, status: result.status, earlierKinds: results[rowIndex]!.flatMap((c) => (c.kind ? [c.kind] : [])) }),
          });
          cellsDone += 1;
          if (matched) cellsMatched += 1;
        }
      } finally {
        await session.close();
      }
    }
    rowsDone += 1;
    options.onProgress?.({ rowsDone, rowsTotal: rows.length, cellsDone, cellsMatched });
  });
  return results;
}

export function fileReport(file: string, rows: readonly ReplayRow[], comparisons: readonly CellComparison[][]): FileReplayReport {
  const cells = comparisons.flat();
  const mismatches = cells.filter((cell) => !cell.matched);
  const mismatchKinds: Partial<Record<MismatchKind, number>> = {};
  for (const cell of mismatches) mismatchKinds[cell.kind!] = (mismatchKinds[cell.kind!] ?? 0) + 1;
  return {
    file,
    rows: rows.length,
    rowsWithoutCode: rows.filter((row) => row.cells.length === 0).length,
    cells: cells.length,
    matched: cells.length - mismatches.length,
    mismatchKinds,
    mismatches,
  };
}

/** Replays every file; all files' trajectories share one pool of concurrent sessions. */
export async function replayFiles(files: readonly string[], sandbox: Sandbox, options: ReplayOptions): Promise<FileReplayReport[]> {
  const perFile = files.map((file) => ({ file, rows: loadReplayRows(file) }));
  const allRows = perFile.flatMap((entry) => entry.rows);
  if (allRows.every((row) => row.cells.length === 0)) {
    throw new MathcoderError('input', `no code cells to replay in ${files.join(', ')}: the trajectories hold no code block followed by its execution`);
  }
  const comparisons = await replayRows(allRows, sandbox, options);
  let offset = 0;
  return perFile.map(({ file, rows }) => {
    const slice = comparisons.slice(offset, offset + rows.length);
    offset += rows.length;
    return fileReport(file, rows, slice);
  });
}
