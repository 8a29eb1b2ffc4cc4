import { Option, type Command } from 'commander';
import { flips } from '../../eval/eval-metrics.js';
import { REPORT_FORMATS, csvReport, jsonReport, markdownComparison, markdownReport, type ReportFormat } from '../../eval/report-format.js';
import { buildRunReport } from '../../eval/run-report.js';
import { describeShards, runSources } from '../../eval/run-shards.js';
import { runCommand } from '../run-command.js';

interface ReportFlags {
  readonly format: ReportFormat;
}

export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description("a run's report (recomputed from its results): accuracy with both graders next to the paper's Table 2, MATH by level and subject, stop reasons, rounds, executions, cost; two runs: side by side with the problems that flipped")
    .argument('<runs...>', 'run folders made by mathcoder eval; shard folders (eval --shard) in one folder, or that folder, are merged into one run')
    .addOption(new Option('--format <format>', 'md, json (one object per dataset a line) or csv').choices([...REPORT_FORMATS]).default('md'))
    .action((runs: string[], flags: ReportFlags) =>
      runCommand(async () => {
        const reports = [];
        for (const source of runSources(runs)) {
          const report = await buildRunReport(source);
          const shards = report.run.shards;
          if (shards && (shards.missing.length > 0 || shards.incomplete.length > 0)) process.stderr.write(`mathcoder: ${report.run.dir}: ${describeShards(shards)}\n`);
          reports.push(report);
        }
        if (flags.format === 'json') {
          for (const report of reports) process.stdout.write(jsonReport(report));
          if (reports.length === 2) {
            for (const flip of flips(reports[0]!.run.rows, reports[1]!.run.rows)) process.stdout.write(JSON.stringify({ flip: true, ...flip }) + '\n');
          }
          return;
        }
        if (flags.format === 'csv') {
          process.stdout.write(csvReport(reports));
          return;
        }
        for (const report of reports) process.stdout.write(markdownReport(report) + '\n');
        if (reports.length === 2) process.stdout.write(markdownComparison(reports[0]!, reports[1]!, flips(reports[0]!.run.rows, reports[1]!.run.rows)));
      }),
    );
}
