import { setMaxListeners } from 'node:events';
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Problem } from '../datasets/types.js';
import { MathcoderError, errorMessage } from '../errors.js';
import { dialectRecord } from '../format/index.js';
import { createGraders, gradeAnswer, trajectorySolution } from '../grade/grade-answer.js';
import { findMathAnswer } from '../grade/compat/find-math-answer.js';
import { SymbolicChecker } from '../grade/strict/symbolic-checker.js';
import type { GraderName } from '../grade/types.js';
import type { ModelBackend } from '../llm/create-backend.js';
import type { Sandbox, SandboxInfo } from '../sandbox/types.js';
import { solveProblem } from '../solve/solve-problem.js';
import type { SolveResult } from '../solve/types.js';
import { forEachConcurrent } from '../util/concurrency.js';
import { FolderLock } from '../util/folder-lock.js';
import { mergeConfigs, type EvalConfig } from './eval-config.js';
import { latestRows, parseEvalRow, rowKey, type EvalRow, type GradeRecord } from './eval-row.js';
import { ResultsFile } from './results-file.js';
import {
  gitRevision,
  incompatibilities,
  installedPackageVersion,
  mathcoderVersion,
  readManifest,
  writeManifest,
  type DatasetRecord,
  type ModelIdentity,
  type RunManifest,
} from './run-manifest.js';
import { RUN_FILES } from './run-files.js';
import { backendForRow, serverRecorder } from './server-record.js';

/**
 * Runs a model over benchmark problems as independent pipelines (generate, execute, continue), K at a time, so
 * an HTTP server's continuous batching and prefix cache do the batching. Each (problem, sample) is graded as it
 * finishes and appended to results.jsonl at once; a run started again skips what is there and redoes rows the
 * server could not finish.
 */

export interface EvalProblem {
  readonly problem: Problem;
  /** Its position in the dataset file (0-based), recorded in its rows so that they can be listed in dataset order. */
  readonly index?: number;
  /** The reference answer graded against (the dataset's, or the published file's for a replayed run). */
  readonly reference: string;
}

export interface EvalDataset {
  readonly name: string;
  readonly problems: readonly EvalProblem[];
}

export interface DatasetPlan {
  readonly dataset: string;
  readonly total: number;
  readonly alreadyDone: number;
  readonly alreadyCorrect: number;
}

export interface EvalProgress {
  readonly dataset: string;
  /** Rows of this dataset finished, this invocation and before. */
  readonly done: number;
  readonly total: number;
  /** Of those, correct by the strict grader. */
  readonly correct: number;
  readonly failed: number;
}

export interface RunEvalOptions {
  readonly runDir: string;
  readonly config: EvalConfig;
  readonly datasets: readonly EvalDataset[];
  readonly datasetRecords: readonly DatasetRecord[];
  readonly backend: ModelBackend;
  readonly model: ModelIdentity;
  readonly sandbox: Sandbox & { readonly info: SandboxInfo };
  readonly command: readonly string[];
  /** Mix results of a different model or config into the run anyway. */
  readonly force?: boolean;
  /** Stop after this many problems in a row the model server could not finish (default 5). */
  readonly maxConsecutiveFailures?: number;
  readonly onStart?: (plan: readonly DatasetPlan[]) => void;
  readonly onProgress?: (progress: EvalProgress) => void;
  readonly signal?: AbortSignal;
  /** The lock on runDir when the caller took it already (the CLI does, before it starts anything heavy). */
  readonly lock?: FolderLock;
}

export interface EvalOutcome {
  readonly written: number;
  readonly skipped: number;
  readonly failed: number;
  /** Bytes of a row torn by an earlier crash, cut off before resuming. */
  readonly repairedBytes: number;
  /** Why the run stopped before doing everything, or null. */
  readonly stoppedEarly: string | null;
}

function checkWritable(runDir: string): void {
  try {
    mkdirSync(runDir, { recursive: true });
    accessSync(runDir, constants.W_OK);
  } catch (error) {
    throw new MathcoderError('output', `cannot write the run folder ${runDir}: ${errorMessage(error)}; choose another --out`);
  }
}

/** The manifest for this invocation: a new one, or the existing one brought up to date after the compatibility check. */
function prepareManifest(options: RunEvalOptions): RunManifest {
  const path = join(options.runDir, RUN_FILES.manifest);
  const now = new Date().toISOString();
  const previous = existsSync(path) ? readManifest(path) : null;
  if (previous && !options.force) {
    const changes = incompatibilities(previous, options);
    if (changes.length > 0) {
      throw new MathcoderError('input', `${options.runDir} holds results of another model or config (${changes.join('; ')}): use another --out, or --force to mix them`);
    }
  }
  const datasets = new Map((previous?.datasets ?? []).map((record) => [record.name, record]));
  for (const record of options.datasetRecords) datasets.set(record.name, record);
  const invocation = { startedAt: now, command: options.command, datasets: options.config.datasets, limit: options.config.limit, samples: options.config.samples };
  return {
    version: 1,
    createdAt: previous?.createdAt ?? now,
    updatedAt: now,
    command: options.command,
    // Resumed with a part of the datasets (or another limit), the run still records every dataset it holds.
    config: previous ? mergeConfigs(previous.config, options.config) : options.config,
    invocations: [...(previous?.invocations ?? []), invocation],
    model: options.model,
    datasets: [...datasets.values()],
    versions: {
      mathcoder: mathcoderVersion(),
      node: process.version,
      nodeLlamaCpp: installedPackageVersion('node-llama-cpp'),
      python: options.sandbox.info.python,
    },
    sandbox: options.sandbox.info.isolation,
    dialect: dialectRecord(options.config.solve.syntax, options.config.solve.cellTimeoutMs),
    git: gitRevision(),
    ...(previous?.servers ? { servers: previous.servers } : {}),
  };
}

function gradeRecords(results: Awaited<ReturnType<typeof gradeAnswer>>): Record<GraderName, GradeRecord> {
  const records = {} as Record<GraderName, GradeRecord>;
  for (const result of results) {
    records[result.grader] = {
      answer: result.answer,
      answers: result.answers,
      correct: result.verdict.equal,
      method: result.verdict.method,
      ...(result.verdict.reason ? { reason: result.verdict.reason } : {}),
      rule: result.verdict.rule,
      why: result.verdict.why,
    };
  }
  return records;
}

/**
 * The answer string the mathcoder-compat grader reads, as the published runs stored it in `completion` (what
 * MathCoder's evaluate.py graded, and what `mathcoder grade` reads in published files): for a finished trajectory,
 * the extraction those runs applied to the last text block (its first `\boxed{}` when it has several); otherwise
 * the content of the last block. The strict grader reads every final answer of the last message instead.
 */
export function answerCompletion(result: SolveResult): string {
  if (result.stopReason !== 'finished') return result.blocks.at(-1)?.content ?? '';
  const finalText = [...result.blocks].reverse().find((block) => block.type === 'text')?.content ?? '';
  return findMathAnswer(finalText, { splitAfterIs: false });
}

function toRow(
  item: { problem: EvalProblem; sample: number; seed: number },
  result: SolveResult,
  completion: string,
  grades: Record<GraderName, GradeRecord>,
  servers: Record<string, number> | null,
): EvalRow {
  const { problem } = item.problem;
  const failed = result.stopReason === 'backend_error' || result.stopReason === 'aborted';
  return {
    key: rowKey(problem.id, item.sample),
    id: problem.id,
    dataset: problem.dataset,
    ...(item.problem.index === undefined ? {} : { index: item.problem.index }),
    sample: item.sample,
    question: problem.question,
    reference: item.problem.reference,
    ...(problem.level === undefined ? {} : { level: problem.level }),
    ...(problem.subject === undefined ? {} : { subject: problem.subject }),
    status: failed ? 'failed' : 'done',
    stop_reason: result.stopReason,
    error: result.error,
    blocks: result.blocks,
    answer: result.answer,
    answers: result.answers,
    answer_policy: result.answerPolicy,
    completion,
    grades,
    rounds: result.rounds,
    tokens: result.tokens,
    timings: result.timings,
    seed: item.seed,
    ...(servers ? { servers } : {}),
    time: new Date().toISOString(),
  };
}

function interleave<T>(lists: ReadonlyArray<readonly T[]>): T[] {
  const result: T[] = [];
  const longest = Math.max(0, ...lists.map((list) => list.length));
  for (let index = 0; index < longest; index += 1) for (const list of lists) if (index < list.length) result.push(list[index]!);
  return result;
}

/**
 * Runs (or resumes) an evaluation into options.runDir. One process at a time writes a run folder: a second one
 * is refused with a message naming the first (a lock left by a process that died is taken over).
 */
export async function runEval(options: RunEvalOptions): Promise<EvalOutcome> {
  checkWritable(options.runDir);
  const lock = options.lock ?? FolderLock.acquire(options.runDir, 'mathcoder eval');
  try {
    return await runLockedEval(options);
  } finally {
    if (options.lock === undefined) lock.release();
  }
}

async function runLockedEval(options: RunEvalOptions): Promise<EvalOutcome> {
  const manifest = prepareManifest(options);
  const opened = ResultsFile.open(join(options.runDir, RUN_FILES.results), { parseRow: parseEvalRow });
  const results = opened.file;
  writeManifest(join(options.runDir, RUN_FILES.manifest), manifest);
  const previous = new Map(latestRows(opened.rows).map((row) => [row.key, row]));
  const { config } = options;

  const perDataset: Array<Array<{ problem: EvalProblem; sample: number; seed: number }>> = [];
  const tallies = new Map<string, { done: number; total: number; correct: number; failed: number }>();
  const plan: DatasetPlan[] = [];
  let skipped = 0;
  for (const dataset of options.datasets) {
    const todo: Array<{ problem: EvalProblem; sample: number; seed: number }> = [];
    perDataset.push(todo);
    const tally = { done: 0, total: 0, correct: 0, failed: 0 };
    for (const problem of dataset.problems) {
      for (let sample = 0; sample < config.samples; sample += 1) {
        tally.total += 1;
        const earlier = previous.get(rowKey(problem.problem.id, sample));
        if (earlier?.status === 'done') {
          tally.done += 1;
          if (earlier.grades.strict?.correct) tally.correct += 1;
          skipped += 1;
        } else {
          todo.push({ problem, sample, seed: config.sampling.seed + sample });
        }
      }
    }
    tallies.set(dataset.name, tally);
    plan.push({ dataset: dataset.name, total: tally.total, alreadyDone: tally.done, alreadyCorrect: tally.correct });
  }
  options.onStart?.(plan);
  // The datasets' problems are taken in turn, so a set of long problems does not all come last and leave the
  // server's slots idle at the end (and every dataset shows progress from the start).
  const items = interleave(perDataset);

  const checker = new SymbolicChecker(() => options.sandbox.createSession());
  const graders = new Map(options.datasets.map((dataset) => [dataset.name, Object.values(createGraders({ checker, dataset: dataset.name }))]));
  const stop = new AbortController();
  setMaxListeners(Infinity, stop.signal); // every problem in flight listens to it
  const onAbort = () => stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let written = 0;
  let failed = 0;
  let consecutiveFailures = 0;
  let stoppedEarly: string | null = null;
  const maxFailures = options.maxConsecutiveFailures ?? 5;
  const servers = serverRecorder(options.backend, options.runDir, manifest);
  try {
    await forEachConcurrent(items, config.concurrency, async (item) => {
      if (stop.signal.aborted) return;
      const solver = backendForRow(options.backend);
      const result = await solveProblem(item.problem.problem.question, solver.backend, options.sandbox, {
        syntax: config.solve.syntax,
        prompt: { system: config.solve.system, querySuffix: config.solve.querySuffix },
        limits: {
          maxRounds: config.solve.maxRounds,
          maxTokensPerBlock: config.solve.maxTokensPerBlock,
          deadlineMs: config.solve.deadlineMs,
          loopRepeats: config.solve.loopRepeats,
        },
        sampling: { temperature: config.sampling.temperature, topP: config.sampling.topP, seed: item.seed },
        cellTimeoutMs: config.solve.cellTimeoutMs,
        signal: stop.signal,
      });
      if (result.stopReason === 'aborted' && stop.signal.aborted) return;
      const completion = answerCompletion(result);
      const solution = trajectorySolution(result.blocks, result.stopReason === 'finished', completion);
      const { problem } = item.problem;
      const grades = gradeRecords(await gradeAnswer(item.problem.reference, solution, graders.get(problem.dataset)!, { question: problem.question, dataset: problem.dataset }));
      const row = toRow(item, result, completion, grades, solver.servers);
      results.append(row);
      written += 1;
      servers.rowDone();
      const tally = tallies.get(row.dataset)!;
      if (row.status === 'failed') {
        failed += 1;
        tally.failed += 1;
        consecutiveFailures += 1;
        if (consecutiveFailures >= maxFailures && !stop.signal.aborted) {
          stoppedEarly = `the model server failed ${consecutiveFailures} problems in a row (last: ${row.error ?? row.stop_reason})`;
          stop.abort();
        }
      } else {
        consecutiveFailures = 0;
        tally.done += 1;
        if (row.grades.strict?.correct) tally.correct += 1;
      }
      options.onProgress?.({ dataset: row.dataset, done: tally.done, total: tally.total, correct: tally.correct, failed: tally.failed });
    });
    if (options.signal?.aborted && stoppedEarly === null) stoppedEarly = 'interrupted';
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    results.close();
    servers.finish();
    await checker.close();
  }
  return { written, skipped, failed, repairedBytes: opened.truncatedBytes, stoppedEarly };
}
