import { Option, type Command } from 'commander';
import { datasetSpec } from '../../datasets/catalogue.js';
import { distinctFiles, inputFolder, inputRowFiles, outputFile } from '../input-checks.js';
import { positiveInteger, positiveNumber, runCommand } from '../run-command.js';
import { addPythonFlag, checkSandboxFlags, isolationOption, type IsolationChoice } from '../sandbox-flags.js';

export const GRADER_CHOICES = ['strict', 'mathcoder-compat', 'both'] as const;

export interface GradeFlags {
  readonly grader: (typeof GRADER_CHOICES)[number];
  readonly dataset?: string;
  readonly dataDir?: string;
  readonly disagreements?: string;
  readonly verdicts?: string;
  readonly compareVerdicts?: string;
  readonly json?: boolean;
  readonly concurrency: number;
  readonly symbolicTimeout: number;
  readonly symbolic: boolean;
  readonly python?: string;
  readonly isolation: IsolationChoice;
}

export function registerGradeCommand(program: Command): void {
  const command = program
    .command('grade')
    .description('grade result rows (the published MathCoder format, or {reference, completion}) with the strict and mathcoder-compat graders')
    .argument('<files...>', 'JSONL result files')
    .addOption(new Option('--grader <name>', 'the graders to run (strict is the primary one: its count is "correct" in --json)').choices([...GRADER_CHOICES]).default('both'))
    .option('--dataset <name>', 'the dataset of every file (default: guessed from each path)')
    .option('--data-dir <dir>', 'folder with the benchmark sets, for MATH levels and subjects (default: the user cache)')
    .option('--disagreements <file>', 'write the rows where graders or published verdicts disagree (with the rule that decided and why) to this JSONL file')
    .option('--verdicts <file>', 'write every row\'s verdicts (answer, verdict, rule per grader) to this JSONL file')
    .option('--compare-verdicts <file>', 'a --verdicts file of an earlier grading of the same rows: print how the strict verdicts changed, per dataset and rule')
    .option('--json', 'print one JSON object per input file')
    .option('--concurrency <n>', 'rows graded at once', positiveInteger('--concurrency'), 16)
    .option('--symbolic-timeout <seconds>', 'time limit of one sympy comparison', positiveNumber('--symbolic-timeout'), 3)
    .option('--no-symbolic', 'never run sympy: expressions with variables are judged at sample points only');
  addPythonFlag(command)
    .addOption(isolationOption())
    .action((files: string[], flags: GradeFlags) =>
      runCommand(async () => {
        inputRowFiles(files, 'rows to grade');
        if (flags.dataset) datasetSpec(flags.dataset);
        if (flags.dataDir !== undefined) inputFolder(flags.dataDir, '--data-dir');
        if (flags.compareVerdicts !== undefined) inputRowFiles([flags.compareVerdicts], 'verdicts', '--compare-verdicts');
        if (flags.disagreements !== undefined) outputFile(flags.disagreements, '--disagreements');
        if (flags.verdicts !== undefined) outputFile(flags.verdicts, '--verdicts');
        const written = { ...(flags.disagreements === undefined ? {} : { '--disagreements': flags.disagreements }), ...(flags.verdicts === undefined ? {} : { '--verdicts': flags.verdicts }) };
        // What is written never replaces what is read.
        for (const input of [...files, ...(flags.compareVerdicts === undefined ? [] : [flags.compareVerdicts])]) distinctFiles({ [input]: input, ...written });
        checkSandboxFlags(flags);
        const { runGrade } = await import('./grade-run.js');
        await runGrade(files, flags);
      }),
    );
}
