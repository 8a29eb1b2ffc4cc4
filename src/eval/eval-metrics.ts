import { GRADER_NAMES, type Grader, type GraderName } from '../grade/types.js';
import { executionCounts, type EvalRow } from './eval-row.js';
import { paperRowFor, type PaperDataset } from './paper-results.js';
import { allAgree, averagedPassAt1, hasAnswer, majorityAtK, passAtK, type MeanWithError, type SampleOutcome } from './sampling-metrics.js';

/**
 * The numbers of a run, recomputed from its results every time (never stored separately): accuracy per dataset
 * with both graders, MATH by level and subject, stop reasons, rounds, execution errors and timeouts, tokens and
 * time per problem; with several samples per problem, pass@k, maj@k (answers grouped by the strict grader's
 * equivalence) and the share of problems whose samples all agree.
 */

export interface Accuracy {
  readonly rows: number;
  readonly correct: Readonly<Record<GraderName, number>>;
  readonly accuracy: Readonly<Record<GraderName, number>>;
}

export interface DatasetMetrics extends Accuracy {
  readonly dataset: string;
  readonly problems: number;
  /** Rows the model server could not finish (redone when the run is resumed). */
  readonly failed: number;
  readonly samples: number;
  /** The paper's Table 2 accuracy for this model and dataset, as a fraction (0.707, like `accuracy`), when known. */
  readonly paperAccuracy: number | null;
  /** Rows where the two graders disagree. */
  readonly graderDisagreements: number;
  /** pass@k and maj@k (strict grader) by k, when there are several samples. */
  readonly passAtK: Readonly<Record<string, number>>;
  readonly majAtK: Readonly<Record<string, number>>;
  /** Share of problems whose samples all gave equivalent answers (MathCoder's D1 filter), with several samples. */
  readonly allAgree: number | null;
  /**
   * pass@1 (strict grader) averaged over each problem's samples, then over the problems with every sample
   * finished, with its standard error across problems; with one sample, the accuracy and its standard error.
   */
  readonly pass1: MeanWithError | null;
  /** Share of finished rows (samples) in which the strict grader found no answer. */
  readonly noAnswer: number;
  readonly byLevel: Readonly<Record<string, Accuracy>>;
  readonly bySubject: Readonly<Record<string, Accuracy>>;
  readonly stopReasons: Readonly<Record<string, number>>;
  readonly rounds: { readonly mean: number; readonly histogram: Readonly<Record<string, number>> };
  readonly executions: { readonly cells: number; readonly errors: number; readonly timeouts: number; readonly killed: number; readonly errorShare: number; readonly timeoutShare: number };
  readonly tokens: { readonly generatedPerProblem: number; readonly evaluatedPerProblem: number | null };
  readonly secondsPerProblem: number;
}

function emptyCounts(): Record<GraderName, number> {
  return Object.fromEntries(GRADER_NAMES.map((name) => [name, 0])) as Record<GraderName, number>;
}

export function accuracyOf(rows: readonly EvalRow[]): Accuracy {
  const correct = emptyCounts();
  for (const row of rows) for (const name of GRADER_NAMES) if (row.grades[name]?.correct) correct[name] += 1;
  const accuracy = Object.fromEntries(GRADER_NAMES.map((name) => [name, rows.length === 0 ? 0 : correct[name] / rows.length])) as Record<GraderName, number>;
  return { rows: rows.length, correct, accuracy };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string | undefined): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const name = key(item);
    if (name === undefined) continue;
    const group = groups.get(name) ?? [];
    group.push(item);
    groups.set(name, group);
  }
  return groups;
}

function accuracyBy(rows: readonly EvalRow[], key: (row: EvalRow) => string | undefined): Record<string, Accuracy> {
  const groups = [...groupBy(rows, key).entries()].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }));
  return Object.fromEntries(groups.map(([name, members]) => [name, accuracyOf(members)]));
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** k values reported for n samples: 1, 2, 4, … and n. */
export function reportedKs(samples: number): number[] {
  const ks: number[] = [];
  for (let k = 1; k < samples; k *= 2) ks.push(k);
  ks.push(samples);
  return [...new Set(ks)];
}

function sampleOutcome(row: EvalRow): SampleOutcome {
  return { answer: row.grades.strict?.answer || null, correct: row.grades.strict?.correct ?? false };
}

/** Each problem's finished rows, by sample, for the problems whose `samples` samples are all finished. */
function completeProblems(rows: readonly EvalRow[], samples: number): EvalRow[][] {
  const problems = [...groupBy(rows, (row) => row.id).values()].map((group) => [...group].sort((a, b) => a.sample - b.sample));
  return problems.filter((group) => group.length === samples);
}

async function samplingMetrics(rows: readonly EvalRow[], samples: number, grader: Grader) {
  const passAt: Record<string, number> = {};
  const majAt: Record<string, number> = {};
  if (samples < 2) return { passAt, majAt, agree: null };
  const equivalent = async (a: string, b: string) => (await grader.equivalent(a, b)).equal;
  const complete = completeProblems(rows, samples);
  let agreeing = 0;
  const majCorrect = new Map<number, number>();
  const passSum = new Map<number, number>();
  const ks = reportedKs(samples);
  for (const group of complete) {
    const outcomes: SampleOutcome[] = group.map(sampleOutcome);
    const correct = outcomes.filter((outcome) => outcome.correct).length;
    for (const k of ks) {
      passSum.set(k, (passSum.get(k) ?? 0) + passAtK(samples, correct, k));
      const majority = await majorityAtK(outcomes, k, equivalent);
      if (majority?.correct) majCorrect.set(k, (majCorrect.get(k) ?? 0) + 1);
    }
    if (await allAgree(outcomes, equivalent)) agreeing += 1;
  }
  for (const k of ks) {
    passAt[k] = complete.length === 0 ? 0 : (passSum.get(k) ?? 0) / complete.length;
    majAt[k] = complete.length === 0 ? 0 : (majCorrect.get(k) ?? 0) / complete.length;
  }
  return { passAt, majAt, agree: complete.length === 0 ? null : agreeing / complete.length };
}

/**
 * Metrics of one dataset's rows. `grader` groups answers for maj@k and the all-agree rate (the strict grader;
 * without a sympy checker it decides by its own rules and sampled evaluation).
 */
export async function datasetMetrics(dataset: string, allRows: readonly EvalRow[], modelName: string, grader: Grader): Promise<DatasetMetrics> {
  const rows = allRows.filter((row) => row.status === 'done');
  const samples = Math.max(0, ...allRows.map((row) => row.sample + 1));
  const sampling = await samplingMetrics(rows, samples, grader);
  const executions = rows.map(executionCounts);
  const cells = executions.reduce((sum, count) => sum + count.cells, 0);
  const errors = executions.reduce((sum, count) => sum + count.errors, 0);
  const timeouts = executions.reduce((sum, count) => sum + count.timeouts + count.killed, 0);
  const evaluated = rows.map((row) => row.tokens.evaluated);
  const paperPercent = paperRowFor(modelName)?.accuracy[dataset as PaperDataset];
  // Table 2 prints percents with one decimal; as a fraction it is rounded to the four decimals that carries.
  const paperAccuracy = paperPercent === undefined ? null : Math.round(paperPercent * 10) / 1000;
  const rounds = groupBy(rows, (row) => String(row.rounds));
  return {
    dataset,
    ...accuracyOf(rows),
    problems: new Set(allRows.map((row) => row.id)).size,
    failed: allRows.length - rows.length,
    samples,
    paperAccuracy,
    graderDisagreements: rows.filter((row) => row.grades.strict?.correct !== row.grades['mathcoder-compat']?.correct).length,
    passAtK: sampling.passAt,
    majAtK: sampling.majAt,
    allAgree: sampling.agree,
    pass1: averagedPassAt1(completeProblems(rows, samples).map((group) => group.map(sampleOutcome))),
    noAnswer: rows.length === 0 ? 0 : rows.filter((row) => !hasAnswer(sampleOutcome(row))).length / rows.length,
    byLevel: accuracyBy(rows, (row) => (row.level === undefined ? undefined : `Level ${row.level}`)),
    bySubject: accuracyBy(rows, (row) => row.subject),
    stopReasons: Object.fromEntries([...groupBy(rows, (row) => row.stop_reason).entries()].map(([reason, members]) => [reason, members.length])),
    rounds: {
      mean: mean(rows.map((row) => row.rounds)),
      histogram: Object.fromEntries([...rounds.entries()].sort(([a], [b]) => Number(a) - Number(b)).map(([count, members]) => [count, members.length])),
    },
    executions: { cells, errors, timeouts: executions.reduce((sum, count) => sum + count.timeouts, 0), killed: executions.reduce((sum, count) => sum + count.killed, 0), errorShare: cells === 0 ? 0 : errors / cells, timeoutShare: cells === 0 ? 0 : timeouts / cells },
    tokens: {
      generatedPerProblem: mean(rows.map((row) => row.tokens.generated)),
      evaluatedPerProblem: evaluated.every((value) => value !== null) && rows.length > 0 ? mean(evaluated as number[]) : null,
    },
    secondsPerProblem: mean(rows.map((row) => row.timings.totalMs / 1000)),
  };
}

/** Metrics of every dataset of a run: those of `order` (the run's datasets) first, in that order, then any others. */
export async function runMetrics(rows: readonly EvalRow[], modelName: string, grader: Grader, order: readonly string[] = []): Promise<DatasetMetrics[]> {
  const byDataset = groupBy(rows, (row) => row.dataset);
  const names = [...new Set([...order.filter((name) => byDataset.has(name)), ...byDataset.keys()])];
  const metrics: DatasetMetrics[] = [];
  for (const name of names) metrics.push(await datasetMetrics(name, byDataset.get(name)!, modelName, grader));
  return metrics;
}

/** Problems whose strict verdict (sample 0) differs between two runs. */
export interface Flip {
  readonly id: string;
  readonly dataset: string;
  readonly before: boolean;
  readonly after: boolean;
  readonly answerBefore: string;
  readonly answerAfter: string;
  readonly reference: string;
}

export function flips(before: readonly EvalRow[], after: readonly EvalRow[], grader: GraderName = 'strict'): Flip[] {
  const first = new Map(before.filter((row) => row.status === 'done' && row.sample === 0).map((row) => [row.id, row]));
  const result: Flip[] = [];
  for (const row of after) {
    if (row.status !== 'done' || row.sample !== 0) continue;
    const earlier = first.get(row.id);
    if (!earlier) continue;
    const was = earlier.grades[grader]?.correct ?? false;
    const is = row.grades[grader]?.correct ?? false;
    if (was !== is) {
      result.push({ id: row.id, dataset: row.dataset, before: was, after: is, answerBefore: earlier.grades[grader]?.answer ?? '', answerAfter: row.grades[grader]?.answer ?? '', reference: row.reference });
    }
  }
  return result;
}
