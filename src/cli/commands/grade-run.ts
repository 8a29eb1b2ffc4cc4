import { createWriteStream } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { datasetFromPath, datasetSpec, loadDataset, locateDataset } from '../../datasets/index.js';
import { createGraders } from '../../grade/grade-answer.js';
import { disagreementRecord, fileReport, gradeRows, isDisagreement, verdictRecord, type FileGradeReport, type RowMetadata } from '../../grade/grade-report.js';
import { loadGradeRows, type GradeRow } from '../../grade/grade-rows.js';
import { SymbolicChecker } from '../../grade/strict/symbolic-checker.js';
import type { Grader, GraderName } from '../../grade/types.js';
import { readVerdictLines, verdictFlips, type FlipTable, type VerdictLine } from '../../grade/verdict-flips.js';
import { hubConfigFromEnvironment } from '../../hub/hub-config.js';
import type { PythonSandbox } from '../../sandbox/python-sandbox.js';
import { createProgress } from '../../util/progress.js';
import { toJsonlLine } from '../../util/jsonl.js';
import { startSandbox } from '../sandbox-start.js';
import type { GradeFlags } from './grade.js';

const percent = (part: number | undefined, whole: number) => (part === undefined || whole === 0 ? '-' : `${((100 * part) / whole).toFixed(1)}`);

/** MATH level and subject for each row: from the MATH test set in the data folder (matched by question), else the row id. */
function mathMetadata(dataDir: string): Promise<(row: GradeRow) => RowMetadata> {
  const fromId = (row: GradeRow): RowMetadata => {
    const subject = /(?:^|\/)test\/([a-z_]+)\/\d+\.json$/.exec(row.id)?.[1];
    return subject ? { subject } : {};
  };
  const spec = datasetSpec('math');
  if (!locateDataset(spec, { dataDir })) return Promise.resolve(fromId);
  return loadDataset('math', { dataDir }).then(({ problems }) => {
    const byQuestion = new Map(problems.map((problem) => [problem.question.trim(), problem]));
    return (row) => {
      const problem = byQuestion.get(row.question.trim());
      if (!problem) return fromId(row);
      return { ...(problem.subject ? { subject: problem.subject } : {}), ...(problem.level === undefined ? {} : { level: problem.level }) };
    };
  });
}

function graderColumns(report: FileGradeReport, names: readonly GraderName[]): string {
  return names.map((name) => `${String(report.correct[name] ?? '-').padStart(6)} ${percent(report.correct[name], report.rows).padStart(5)}%`).join('  ');
}

function printReports(reports: readonly FileGradeReport[], names: readonly GraderName[]): void {
  const width = Math.max(4, ...reports.map((report) => report.file.length));
  const header = names.map((name) => (name === 'strict' ? 'strict'.padStart(13) : 'compat'.padStart(13))).join('  ');
  console.log(`${'file'.padEnd(width)}  ${'rows'.padStart(5)}  ${header}  ${'graders≠'.padStart(8)}  published (≠ ${names.map((name) => (name === 'strict' ? 'strict' : 'compat')).join(', ')})`);
  for (const report of reports) {
    const published = report.published
      ? `${report.published.correct}/${report.published.rows} correct (≠ ${names.map((name) => report.published!.disagree[name] ?? '-').join(', ')})`
      : '-';
    console.log(`${report.file.padEnd(width)}  ${String(report.rows).padStart(5)}  ${graderColumns(report, names)}  ${String(report.gradersDisagree ?? '-').padStart(8)}  ${published}`);
  }
  for (const report of reports) {
    for (const [title, groups] of [['subject', report.bySubject], ['level', report.byLevel]] as const) {
      const keys = Object.keys(groups).sort();
      if (keys.length === 0) continue;
      console.log(`${report.file} by ${title}:`);
      for (const key of keys) {
        const tally = groups[key]!;
        console.log(`  ${key.padEnd(26)} ${String(tally.rows).padStart(5)}  ${names.map((name) => `${name === 'strict' ? 'strict' : 'compat'} ${percent(tally.correct[name], tally.rows).padStart(5)}%`).join('  ')}`);
      }
    }
  }
  const methods = new Map<string, number>();
  for (const report of reports) for (const [method, count] of Object.entries(report.strictMethods)) methods.set(method, (methods.get(method) ?? 0) + count);
  if (methods.size > 0) console.log(`strict verdicts by method: ${[...methods].map(([method, count]) => `${method} ${count}`).join(', ')}`);
  const rules = new Map<string, { rows: number; correct: number }>();
  for (const report of reports) {
    for (const [rule, tally] of Object.entries(report.strictRules)) {
      const total = rules.get(rule) ?? { rows: 0, correct: 0 };
      rules.set(rule, { rows: total.rows + tally.rows, correct: total.correct + tally.correct });
    }
  }
  if (rules.size > 0) console.log(`strict verdicts by rule (correct/rows): ${[...rules].map(([rule, tally]) => `${rule} ${tally.correct}/${tally.rows}`).join(', ')}`);
}

const byRule = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort(([, a], [, b]) => b - a)
    .map(([rule, count]) => `${rule} ${count}`)
    .join(', ') || '-';

function printFlips(tables: readonly FlipTable[], against: string): void {
  console.log(`strict verdicts against ${against}:`);
  console.log(`  ${'dataset'.padEnd(12)} ${'rows'.padStart(5)}  ${'before'.padStart(13)}  ${'after'.padStart(13)}  wrong → correct (by rule)  |  correct → wrong (by rule)`);
  for (const table of tables) {
    const share = (count: number) => `${String(count).padStart(5)} ${percent(count, table.rows).padStart(5)}%`;
    const up = Object.values(table.toCorrect).reduce((sum, count) => sum + count, 0);
    const down = Object.values(table.toWrong).reduce((sum, count) => sum + count, 0);
    console.log(`  ${table.dataset.padEnd(12)} ${String(table.rows).padStart(5)}  ${share(table.correctBefore)}  ${share(table.correctAfter)}  +${up} (${byRule(table.toCorrect)})  |  -${down} (${byRule(table.toWrong)})`);
  }
}

/** `mathcoder grade`, its input checked: grades every file's rows with the chosen graders and prints the report. */
export async function runGrade(files: readonly string[], flags: GradeFlags): Promise<void> {
  const names: GraderName[] = flags.grader === 'both' ? ['strict', 'mathcoder-compat'] : [flags.grader as GraderName];
  const perFile = files.map((file) => ({ file, dataset: flags.dataset ?? datasetFromPath(file), rows: loadGradeRows(file) }));
  const earlierVerdicts = flags.compareVerdicts ? readVerdictLines(flags.compareVerdicts) : null;
  const dataDir = flags.dataDir ?? join(hubConfigFromEnvironment(process.env).cacheDir, 'datasets');
  const needsMath = perFile.some((entry) => entry.dataset === 'math' || entry.dataset === 'math500');
  const metadataOf = needsMath ? await mathMetadata(dataDir) : undefined;

  const started: { sandbox: Promise<PythonSandbox> | null } = { sandbox: null };
  const sessions = Math.max(1, Math.min(availableParallelism(), 4));
  const checkers = flags.symbolic && names.includes('strict')
    ? Array.from({ length: sessions }, () => new SymbolicChecker(async () => (await (started.sandbox ??= startSandbox({ ...flags, cellTimeout: flags.symbolicTimeout }, { poolSize: 1 }))).createSession(), { timeoutMs: flags.symbolicTimeout * 1000 }))
    : [];
  // Per dataset, one grader set per sympy session; rows take them in turn, so sympy runs in parallel.
  const graderSets = new Map<string, Grader[][]>();
  let turn = 0;
  const gradersFor = (dataset: string | null): Grader[] => {
    const key = dataset ?? '';
    let sets = graderSets.get(key);
    if (!sets) {
      sets = (checkers.length === 0 ? [null] : checkers).map((checker) => {
        const all = createGraders({ checker, ...(dataset ? { dataset } : {}) });
        return names.map((name) => all[name]);
      });
      graderSets.set(key, sets);
    }
    return sets[turn++ % sets.length]!;
  };

  const total = perFile.reduce((sum, entry) => sum + entry.rows.length, 0);
  const progress = createProgress({ label: 'grade', total, unit: 'rows' });
  const reports: FileGradeReport[] = [];
  const disagreements = flags.disagreements ? createWriteStream(flags.disagreements) : null;
  const verdicts = flags.verdicts ? createWriteStream(flags.verdicts) : null;
  const verdictLines: VerdictLine[] = [];
  let offset = 0;
  try {
    for (const entry of perFile) {
      const graded = await gradeRows(entry.rows, {
        gradersFor: () => gradersFor(entry.dataset),
        contextOf: (row) => ({ question: row.question, ...(entry.dataset ? { dataset: entry.dataset } : {}) }),
        ...(metadataOf ? { metadataOf } : {}),
        concurrency: flags.concurrency,
        onProgress: (done) => progress.update(offset + done),
      });
      offset += entry.rows.length;
      reports.push(fileReport(entry.file, entry.dataset, graded));
      for (const row of graded) {
        if (isDisagreement(row)) disagreements?.write(toJsonlLine(disagreementRecord(row)));
        if (verdicts || earlierVerdicts) {
          const record = verdictRecord(row, entry.dataset);
          verdicts?.write(toJsonlLine(record));
          verdictLines.push(record as VerdictLine);
        }
      }
    }
    progress.stop();
  } finally {
    await Promise.all(checkers.map((checker) => checker.close()));
    if (started.sandbox) await (await started.sandbox).close();
    if (disagreements) await new Promise<void>((resolve) => disagreements.end(resolve));
    if (verdicts) await new Promise<void>((resolve) => verdicts.end(resolve));
  }
  const symbolic = { calls: checkers.reduce((sum, checker) => sum + checker.calls, 0), timeouts: checkers.reduce((sum, checker) => sum + checker.timeouts, 0) };
  const flips = earlierVerdicts ? verdictFlips(earlierVerdicts, verdictLines) : null;
  if (flags.json) {
    for (const report of reports) console.log(JSON.stringify({ ...report, grader: names[0], correct: report.correct[names[0]!], graders: report.correct, symbolic }));
    if (flips) console.log(JSON.stringify({ flips }));
    return;
  }
  printReports(reports, names);
  if (flips) printFlips(flips, flags.compareVerdicts!);
  console.log(`sympy comparisons: ${symbolic.calls} (${symbolic.timeouts} ran out of time)`);
  if (flags.disagreements) console.log(`disagreements written to ${flags.disagreements}`);
  if (flags.verdicts) console.log(`verdicts written to ${flags.verdicts}`);
}
