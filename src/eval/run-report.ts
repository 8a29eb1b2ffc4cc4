import { join } from 'node:path';
import { createStrictGrader } from '../grade/strict/strict-grader.js';
import { writeFileAtomically } from '../util/atomic-file.js';
import { runMetrics } from './eval-metrics.js';
import { markdownReport, type RunReport } from './report-format.js';
import { RUN_FILES, loadRun } from './run-files.js';
import { loadRunSource, type RunSource } from './run-shards.js';

/**
 * The report of a run folder (or of the shard folders of one run, merged), recomputed from its results. maj@k
 * groups answers with the strict grader's own rules and sampled evaluation (no sympy session is started for a
 * report).
 */
export async function buildRunReport(source: string | RunSource): Promise<RunReport> {
  const run = typeof source === 'string' ? loadRun(source) : loadRunSource(source);
  const metrics = await runMetrics(run.rows, run.manifest.model.name, createStrictGrader({ checker: null }), run.manifest.config.datasets);
  return { run, metrics };
}

/** Writes RUN_DIR/report.md and returns the report. */
export async function writeRunReport(dir: string): Promise<RunReport> {
  const report = await buildRunReport(dir);
  writeFileAtomically(join(dir, RUN_FILES.report), markdownReport(report));
  return report;
}
