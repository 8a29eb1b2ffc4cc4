import { MISMATCH_KINDS } from '../../replay/mismatch-kinds.js';
import { loadReplayRows, fileReport, replayRows, type FileReplayReport } from '../../replay/replay.js';
import { MathcoderError } from '../../errors.js';
import { createProgress } from '../../util/progress.js';
import { cellTimeoutMs } from '../dialect-settings.js';
import { describeSandbox, startSandbox } from '../sandbox-start.js';
import type { ReplayFlags } from './replay.js';

function percent(part: number, whole: number): string {
  return whole === 0 ? '-' : `${((100 * part) / whole).toFixed(2)}%`;
}

function kindsLine(reports: readonly FileReplayReport[]): string {
  const totals = new Map<string, number>();
  for (const report of reports) for (const [kind, count] of Object.entries(report.mismatchKinds)) totals.set(kind, (totals.get(kind) ?? 0) + count);
  const parts = MISMATCH_KINDS.filter((kind) => totals.has(kind)).map((kind) => `${kind} ${totals.get(kind)}`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}

function indent(text: string, maxLines = 25): string {
  const lines = text.split('\n');
  const shown = lines.length > maxLines ? [...lines.slice(0, maxLines), `… (${lines.length - maxLines} more lines)`] : lines;
  return shown.map((line) => `      ${line}`).join('\n');
}

function printTable(reports: readonly FileReplayReport[]): void {
  const width = Math.max(4, ...reports.map((report) => report.file.length));
  const row = (name: string, rows: string, cells: string, matched: string, rate: string) =>
    `${name.padEnd(width)}  ${rows.padStart(6)}  ${cells.padStart(6)}  ${matched.padStart(7)}  ${rate.padStart(8)}`;
  console.log(row('file', 'rows', 'cells', 'matched', 'rate'));
  for (const report of reports) console.log(row(report.file, String(report.rows), String(report.cells), String(report.matched), percent(report.matched, report.cells)));
  const cells = reports.reduce((sum, report) => sum + report.cells, 0);
  const matched = reports.reduce((sum, report) => sum + report.matched, 0);
  const rows = reports.reduce((sum, report) => sum + report.rows, 0);
  if (reports.length > 1) console.log(row('total', String(rows), String(cells), String(matched), percent(matched, cells)));
  console.log(`mismatches by kind: ${kindsLine(reports)}`);
}

/** `mathcoder replay`, its input checked: re-executes every code cell and compares it with the published execution. */
export async function runReplay(files: readonly string[], flags: ReplayFlags): Promise<void> {
  const perFile = files.map((file) => ({ file, rows: loadReplayRows(file).slice(0, flags.limit ?? Infinity) }));
  const allRows = perFile.flatMap((entry) => entry.rows);
  const totalCells = allRows.reduce((sum, row) => sum + row.cells.length, 0);
  if (totalCells === 0) throw new MathcoderError('input', `no code cells to replay in ${files.join(', ')}: no code block is followed by its execution`);
  const sandbox = await startSandbox(flags, { poolSize: Math.min(flags.concurrency, 4) });
  try {
    const progress = createProgress({ label: 'replay', total: allRows.length, unit: 'trajectories', fieldNames: ['cells', 'matched'] });
    const comparisons = await replayRows(allRows, sandbox, {
      concurrency: flags.concurrency,
      timeoutMs: cellTimeoutMs(flags),
      onProgress: (p) => progress.update(p.rowsDone, { cells: String(p.cellsDone), matched: percent(p.cellsMatched, p.cellsDone) }),
    });
    progress.stop();
    let offset = 0;
    const reports = perFile.map(({ file, rows }) => {
      const report = fileReport(file, rows, comparisons.slice(offset, offset + rows.length));
      offset += rows.length;
      return report;
    });
    if (flags.json) {
      for (const report of reports) {
        const { mismatches, ...summary } = report;
        console.log(
          JSON.stringify({
            ...summary,
            rate: report.cells === 0 ? null : report.matched / report.cells,
            python: sandbox.info.python,
            isolation: sandbox.info.isolation.method,
            ...(flags.showMismatches ? { mismatches } : {}),
          }),
        );
      }
      return;
    }
    if (flags.showMismatches) {
      for (const report of reports) {
        for (const cell of report.mismatches) {
          console.log(`${cell.file}:${cell.lineNumber} cell ${cell.cellNumber} [${cell.kind}]`);
          console.log('  code:');
          console.log(indent(cell.code));
          console.log('  published:');
          console.log(indent(cell.published));
          console.log('  replayed:');
          console.log(indent(cell.replayed));
        }
      }
    }
    printTable(reports);
    console.log(describeSandbox(sandbox.info));
  } finally {
    await sandbox.close();
  }
}
