import { Option, type Command } from 'commander';
import { REPORT_FORMATS, type ReportFormat } from '../../eval/report-formats.js';
import { RUN_FILES } from '../../eval/run-file-names.js';
import { outputFile, runFolderOrShards } from '../input-checks.js';
import { runCommand } from '../run-command.js';

export interface ReportFlags {
  readonly format: ReportFormat;
  readonly out?: string;
}

export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description("a run's report (recomputed from its results): accuracy with both graders next to the paper's Table 2, MATH by level and subject, stop reasons, rounds, executions, cost; several runs side by side, with the problems that flipped between two")
    .argument('<runs...>', 'run folders made by mathcoder eval --out DIR; shard folders (eval --shard) in one folder, or that folder, are merged into one run')
    .addOption(new Option('--format <format>', 'md (Markdown), json (one object per run and dataset a line) or csv; accuracies in json and csv are fractions in [0, 1]').choices([...REPORT_FORMATS]).default('md'))
    .option('--out <file>', 'write the report to this file (default: standard output)')
    .action((runs: string[], flags: ReportFlags) =>
      runCommand(async () => {
        for (const run of runs) runFolderOrShards(run, RUN_FILES.manifest);
        if (flags.out !== undefined) outputFile(flags.out);
        const { runReport } = await import('./report-run.js');
        await runReport(runs, flags);
      }),
    );
}
