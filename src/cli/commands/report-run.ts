import { writeFileSync } from 'node:fs';
import { MathcoderError, errorMessage } from '../../errors.js';
import { flips } from '../../eval/eval-metrics.js';
import { csvReport, jsonReport, markdownReport, markdownSideBySide, type RunReport } from '../../eval/report-format.js';
import { RUN_FILES } from '../../eval/run-files.js';
import { buildRunReport } from '../../eval/run-report.js';
import { describeShards, runSources } from '../../eval/run-shards.js';
import type { ReportFlags } from './report.js';

function render(reports: readonly RunReport[], format: ReportFlags['format']): string {
  const pair = reports.length === 2 ? flips(reports[0]!.run.rows, reports[1]!.run.rows) : null;
  if (format === 'json') return reports.map(jsonReport).join('') + (pair ?? []).map((flip) => JSON.stringify({ flip: true, ...flip }) + '\n').join('');
  if (format === 'csv') return csvReport(reports);
  return reports.length === 1 ? markdownReport(reports[0]!) : markdownSideBySide(reports, pair);
}

/** `mathcoder report`: the runs' reports, recomputed from their results; a run without results is an error. */
export async function runReport(runs: readonly string[], flags: ReportFlags): Promise<void> {
  const reports: RunReport[] = [];
  for (const source of runSources(runs)) {
    const report = await buildRunReport(source);
    const run = source.label;
    if (report.run.rows.length === 0) throw new MathcoderError('input', `${run} has no results yet (its ${RUN_FILES.results} holds no rows): run mathcoder eval --out ${run} first`);
    const shards = report.run.shards;
    if (shards && (shards.missing.length > 0 || shards.incomplete.length > 0)) process.stderr.write(`mathcoder: ${report.run.dir}: ${describeShards(shards)}\n`);
    reports.push(report);
  }
  const text = render(reports, flags.format);
  if (flags.out === undefined) {
    process.stdout.write(text);
    return;
  }
  try {
    writeFileSync(flags.out, text);
  } catch (error) {
    throw new MathcoderError('output', `cannot write ${flags.out}: ${errorMessage(error)}`);
  }
  process.stderr.write(`report written to ${flags.out}\n`);
}
