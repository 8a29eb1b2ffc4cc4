import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { cleanReport, cleanReportMarkdown } from '../../build-data/clean-report.js';
import { NEAR_DUPLICATE_THRESHOLD, cleanRows } from '../../build-data/clean-rows.js';
import { DECONTAMINATION_RULES, type DecontaminationRule } from '../../build-data/contamination.js';
import { MathcoderError } from '../../errors.js';
import { createProgress, type ProgressReporter } from '../../util/progress.js';
import { runCommand } from '../run-command.js';
import { addTestSetFlags, testSetsFromFlags, type TestSetFlags } from './data-test-sets.js';

interface CleanFlags extends TestSetFlags {
  readonly out: string;
  readonly removed: string;
  readonly report?: string;
  readonly rule: DecontaminationRule;
  readonly threshold?: number;
  readonly nearDuplicate: number;
}

function fraction(name: string): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (!Number.isFinite(number) || number < 0 || number >= 1) throw new MathcoderError('input', `${name} must be a number in [0, 1)`);
    return number;
  };
}

export function registerDataCleanCommand(data: Command): void {
  addTestSetFlags(
    data
      .command('clean')
      .description('remove exact and near duplicates inside the set, and rows that copy a benchmark test problem; report what was removed and why')
      .argument('<in...>', 'JSONL files: training examples (kept.jsonl of d0/d1), train_80k rows, or rows with a "question" field')
      .requiredOption('--out <file>', 'the rows kept')
      .requiredOption('--removed <file>', 'the rows removed, each with a "removal" field saying why')
      .option('--report <file>', 'the report (Markdown; a .json beside it has the counts) (default: OUT with .report.md)')
      .addOption(new Option('--rule <name>', "decontamination rule: normalized (names and numbers as placeholders, sentence-order free) or mathcoder2 (MathCoder2's exact substring + word 13-gram Jaccard > 0.6)").choices([...DECONTAMINATION_RULES]).default('normalized'))
      .option('--threshold <j>', "the rule's n-gram Jaccard threshold (default 0.6)", fraction('--threshold'))
      .option('--near-duplicate <j>', 'word 3-gram Jaccard above which two questions of the set are near duplicates', fraction('--near-duplicate'), NEAR_DUPLICATE_THRESHOLD),
  ).action((inputs: string[], flags: CleanFlags) =>
    runCommand(async () => {
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
      const reportPath = resolve(flags.report ?? `${flags.out.replace(/\.jsonl$/, '')}.report.md`);
      const markdown = cleanReportMarkdown(report, outcome);
      writeFileSync(reportPath, markdown);
      writeFileSync(reportPath.replace(/\.md$/, '') + '.json', JSON.stringify(report, null, 2) + '\n');
      const reasons = Object.entries(report.byReason).map(([reason, count]) => `${count} ${reason}`).join(', ');
      console.log(`kept ${report.kept} of ${report.rows} rows in ${flags.out}; removed ${report.removed}${reasons ? ` (${reasons})` : ''} in ${flags.removed}; report: ${reportPath}`);
    }),
  );
}
