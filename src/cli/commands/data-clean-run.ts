import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { cleanReport, cleanReportMarkdown } from '../../build-data/clean-report.js';
import { cleanRows } from '../../build-data/clean-rows.js';
import { createProgress, type ProgressReporter } from '../../util/progress.js';
import { cleanReportPath, type CleanFlags } from './data-clean.js';
import { testSetsFromFlags } from './data-test-sets.js';

/** `mathcoder data clean`, its input checked: removes duplicates and test-set copies, writes what was kept, removed and why. */
export async function runClean(inputs: readonly string[], flags: CleanFlags): Promise<void> {
  const tests = await testSetsFromFlags(flags);
  let bar: ProgressReporter | null = null;
  const outcome = await cleanRows({
    inputs,
    keptPath: resolve(flags.out),
    removedPath: resolve(flags.removed),
    tests: tests.problems,
    rule: flags.rule,
    ...(flags.threshold === undefined ? {} : { threshold: flags.threshold }),
    nearDuplicateThreshold: flags.nearDuplicate,
    onProgress: (done, total, removed) => {
      bar ??= createProgress({ label: 'clean', total, unit: 'rows', fieldNames: ['removed'] });
      bar.update(done, { removed: String(removed) });
    },
  }).finally(() => (bar as ProgressReporter | null)?.stop());
  const report = cleanReport(outcome, flags.rule, flags.threshold, tests.records.map((record) => ({ name: record.name, problems: record.problems })));
  const reportPath = resolve(cleanReportPath(flags));
  writeFileSync(reportPath, cleanReportMarkdown(report, outcome));
  writeFileSync(reportPath.replace(/\.md$/, '') + '.json', JSON.stringify(report, null, 2) + '\n');
  const reasons = Object.entries(report.byReason).map(([reason, count]) => `${count} ${reason}`).join(', ');
  console.log(`kept ${report.kept} of ${report.rows} rows in ${flags.out}; removed ${report.removed}${reasons ? ` (${reasons})` : ''} in ${flags.removed}; report: ${reportPath}`);
}
