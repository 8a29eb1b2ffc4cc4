import { InvalidArgumentError, Option, type Command } from 'commander';
import { DECONTAMINATION_RULES, NEAR_DUPLICATE_THRESHOLD, type DecontaminationRule } from '../../build-data/clean-choices.js';
import { distinctFiles, inputRowFiles, outputFile } from '../input-checks.js';
import { runCommand } from '../run-command.js';
import { addTestSetFlags, checkTestSetFlags, type TestSetFlags } from './data-test-sets.js';

export interface CleanFlags extends TestSetFlags {
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
    if (value.trim() === '' || !Number.isFinite(number) || number < 0 || number >= 1) throw new InvalidArgumentError(`${name} must be a number in [0, 1).`);
    return number;
  };
}

/** The report's path: --report, or OUT with .report.md. */
export function cleanReportPath(flags: Pick<CleanFlags, 'out' | 'report'>): string {
  return flags.report ?? `${flags.out.replace(/\.jsonl$/, '')}.report.md`;
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
      inputRowFiles(inputs, 'rows to clean');
      const report = cleanReportPath(flags);
      for (const [flag, path] of [['--out', flags.out], ['--removed', flags.removed], ['--report', report]] as const) outputFile(path, flag);
      distinctFiles({ '--out': flags.out, '--removed': flags.removed, '--report': report, ...Object.fromEntries(inputs.map((input, index) => [`input ${index + 1}`, input])) });
      checkTestSetFlags(flags);
      const { runClean } = await import('./data-clean-run.js');
      await runClean(inputs, flags);
    }),
  );
}
