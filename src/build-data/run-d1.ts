import { join } from 'node:path';
import { latestRows } from '../eval/eval-row.js';
import { ResultsFile } from '../eval/results-file.js';
import type { ModelIdentity } from '../eval/run-manifest.js';
import { allAgree } from '../eval/sampling-metrics.js';
import type { SyntaxName } from '../format/index.js';
import { createStrictGrader } from '../grade/strict/strict-grader.js';
import { SymbolicChecker } from '../grade/strict/symbolic-checker.js';
import type { Grader } from '../grade/types.js';
import { errorMessage } from '../errors.js';
import { ABORTED, BACKEND_FAILURE, CONTEXT_OVERFLOW, isErrorOfKind } from '../llm/backend-errors.js';
import type { ModelBackend } from '../llm/create-backend.js';
import { forEachConcurrent } from '../util/concurrency.js';
import { decide, parseDecisionRow, parseInterpolationRow, parseSolutionRow, type DecisionRow, type InterpolationRow, type JudgeRecord } from './d1-rows.js';
import { d1Stats, type D1Stats } from './d1-stats.js';
import type { Prices } from './d0-stats.js';
import { degenerateReason, interpolatedQuestion } from './interpolated-problem.js';
import { interpolationPairs, type InterpolationPair } from './interpolation-pairs.js';
import { interpolationPrompt, judgePrompt, newProblemDifficulty, parseJudgeVerdict } from './interpolation-prompts.js';
import { meteredBackend } from './metered-backend.js';
import type { SeedProblem } from './seed-problem.js';
import { attemptFault, attemptKey, solveAttempt, type AttemptRecord, type SamplingSettings, type SolveSettings } from './solution-attempt.js';
import { prepareStageManifest, writeFileAtomically, writeJsonAtomically } from './stage-manifest.js';
import { StageRunControl, prepareStageFolder, type StageOutcome, type StageProgress, type StageRunOptions } from './stage-run.js';
import { d1StatsMarkdown } from './stats-report.js';
import { askTeacher } from './teacher-request.js';
import { modelReference, trainingExample, type TrainPrompt, type TrainingExample } from './training-example.js';

/**
 * `data d1`: problem interpolation and self-distillation (paper §2.1). For each random (GSM8K, MATH) pair the
 * teacher writes a new problem with the paper's prompt; degenerate ones are dropped with a reason; optionally the
 * teacher judges its difficulty against both sources (kept as metadata, and a filter when asked); the student
 * then solves it n times (sampled, seeded) and the problem is kept only when all n answers are equivalent
 * (strict grader). Each piece of work is appended as it finishes; run again, the stage asks nothing twice.
 */
export const D1_FILES = {
  interpolations: 'interpolations.jsonl',
  solutions: 'solutions.jsonl',
  decisions: 'decisions.jsonl',
  kept: 'kept.jsonl',
  stats: 'stats.json',
  report: 'stats.md',
  manifest: 'manifest.json',
} as const;

export interface D1Config {
  /** (GSM8K, MATH) pairs to interpolate. */
  readonly problems: number;
  /** Seed of the random pairs. */
  readonly pairSeed: number;
  readonly concurrency: number;
  readonly interpolation: { readonly maxTokens: number; readonly temperature: number; readonly topP: number; readonly seed: number };
  /** The prompt format of a completion-model teacher. */
  readonly teacherSyntax: SyntaxName;
  /** Ask the judge; with `filter`, keep only problems judged harder than the GSM8K source and easier than the MATH one. */
  readonly judge: { readonly enabled: boolean; readonly filter: boolean; readonly maxTokens: number };
  /** Student solutions per problem (the paper's n = 3). */
  readonly samples: number;
  /** Which agreeing solutions become training examples. */
  readonly keep: 'one' | 'all';
  readonly sampling: SamplingSettings;
  readonly solve: SolveSettings;
  readonly train: TrainPrompt;
  readonly prices: Prices;
}

export interface D1Progress extends StageProgress {
  /** Problems dropped before solving, or whose solutions did not agree. */
  readonly dropped: number;
}

export interface RunD1Options extends StageRunOptions<D1Progress> {
  readonly config: D1Config;
  readonly teacher: ModelBackend;
  readonly teacherIdentity: ModelIdentity;
  readonly student: ModelBackend;
  readonly studentIdentity: ModelIdentity;
}

export interface D1Outcome extends StageOutcome {
  readonly stats: D1Stats;
}

interface D1Files {
  readonly interpolations: ResultsFile<InterpolationRow>;
  readonly solutions: ResultsFile<AttemptRecord>;
  readonly decisions: ResultsFile<DecisionRow>;
}

/** The rows of a D1 folder: the latest of each key. */
export function readD1Rows(outDir: string): { interpolations: InterpolationRow[]; solutions: AttemptRecord[]; decisions: DecisionRow[] } {
  const read = <Row extends { key: string }>(name: string, parse: (value: unknown, where: string) => Row) => latestRows(ResultsFile.read(join(outDir, name), parse).rows);
  return {
    interpolations: read(D1_FILES.interpolations, parseInterpolationRow),
    solutions: read(D1_FILES.solutions, parseSolutionRow),
    decisions: read(D1_FILES.decisions, parseDecisionRow),
  };
}

export function d1Examples(outDir: string, config: D1Config, teacher: ModelIdentity, student: ModelIdentity): TrainingExample[] {
  const rows = readD1Rows(outDir);
  const solutions = new Map(rows.solutions.map((row) => [row.key, row]));
  const decisions = new Map(rows.decisions.map((row) => [row.key, row]));
  const examples: TrainingExample[] = [];
  for (const interpolation of [...rows.interpolations].sort((a, b) => a.index - b.index)) {
    const decision = decisions.get(interpolation.key);
    if (!decision || decision.decision !== 'kept') continue;
    const samples = config.keep === 'one' ? decision.usable.slice(0, 1) : decision.usable;
    for (const sample of samples) {
      const attempt = solutions.get(attemptKey(interpolation.key, sample));
      if (!attempt) continue;
      examples.push(
        trainingExample({
          attempt,
          source: 'interpolation',
          reference: null,
          answer: decision.answer ?? '',
          train: config.train,
          model: modelReference('student', student),
          settings: config,
          stage: 'd1',
          seedProblems: [interpolation.gsm8k.id, interpolation.math.id],
          interpolation: {
            teacher: modelReference('teacher', teacher),
            prompt: interpolation.prompt,
            reply: interpolation.reply,
            sampling: interpolation.sampling,
            judge: interpolation.judge ? { vsGsm8k: interpolation.judge.vsGsm8k.difficulty, vsMath: interpolation.judge.vsMath.difficulty } : null,
            time: interpolation.time,
          },
        }),
      );
    }
  }
  return examples;
}

class D1Pipeline {
  constructor(
    private readonly options: RunD1Options,
    private readonly files: D1Files,
    private readonly strict: Grader,
    private readonly control: StageRunControl,
  ) {}

  private get config(): D1Config {
    return this.options.config;
  }

  private async judge(backend: ReturnType<typeof meteredBackend>['backend'], source: string, question: string): Promise<JudgeRecord> {
    const reply = await askTeacher(backend, {
      prompt: judgePrompt(source, question),
      maxTokens: this.config.judge.maxTokens,
      sampling: { temperature: 0, topP: 1 },
      syntax: this.config.teacherSyntax,
      signal: this.control.signal,
    });
    const verdict = parseJudgeVerdict(reply.text);
    return { reply: reply.text, verdict, difficulty: newProblemDifficulty(verdict) };
  }

  /** The teacher's new problem for a pair (and the judge's verdicts); a failed request is a `failed` row. */
  async interpolate(pair: InterpolationPair): Promise<InterpolationRow> {
    const startedAt = new Date().toISOString();
    const metered = meteredBackend(this.options.teacher);
    const { interpolation } = this.config;
    const sampling = { temperature: interpolation.temperature, topP: interpolation.topP, seed: interpolation.seed + pair.index };
    const prompt = interpolationPrompt(pair.gsm8k.question, pair.math.question);
    const base = {
      key: pair.id,
      index: pair.index,
      gsm8k: { id: pair.gsm8k.id, question: pair.gsm8k.question },
      math: {
        id: pair.math.id,
        question: pair.math.question,
        ...(pair.math.level === undefined ? {} : { level: pair.math.level }),
        ...(pair.math.subject === undefined ? {} : { subject: pair.math.subject }),
      },
      prompt,
      sampling,
      started_at: startedAt,
    };
    try {
      const reply = await askTeacher(metered.backend, { prompt, maxTokens: interpolation.maxTokens, sampling, syntax: this.config.teacherSyntax, signal: this.control.signal });
      const question = interpolatedQuestion(reply.text);
      const degenerate = degenerateReason(question, reply.finishReason, [pair.gsm8k.question, pair.math.question]);
      let judge: InterpolationRow['judge'] = null;
      if (degenerate === null && this.config.judge.enabled) {
        judge = { vsGsm8k: await this.judge(metered.backend, pair.gsm8k.question, question), vsMath: await this.judge(metered.backend, pair.math.question, question) };
      }
      const outsideBand = judge !== null && this.config.judge.filter && !(judge.vsGsm8k.difficulty === 'harder' && judge.vsMath.difficulty === 'easier');
      return {
        ...base,
        status: 'done',
        error: null,
        reply: reply.text,
        finish_reason: reply.finishReason,
        question: degenerate === null ? question : '',
        dropped: degenerate ?? (outsideBand ? 'outside-judged-band' : null),
        judge,
        usage: { ...metered.usage },
        time: new Date().toISOString(),
      };
    } catch (error) {
      if (!isErrorOfKind(error, BACKEND_FAILURE) && !isErrorOfKind(error, ABORTED) && !isErrorOfKind(error, CONTEXT_OVERFLOW)) throw error;
      return { ...base, status: 'failed', error: errorMessage(error), reply: '', finish_reason: '', question: '', dropped: null, judge: null, usage: { ...metered.usage }, time: new Date().toISOString() };
    }
  }

  async decide(problem: InterpolationRow, solutions: readonly AttemptRecord[]): Promise<DecisionRow> {
    const samples = solutions.map((solution) => ({ fault: attemptFault(solution), answer: this.strict.extract(solution.completion) }));
    const outcomes = samples.map((sample) => ({ answer: sample.fault === null || sample.fault === 'malformed-tool-call' ? sample.answer : null, correct: false }));
    const agree = await allAgree(outcomes, async (a, b) => (await this.strict.equivalent(a, b)).equal);
    const { decision, usable } = decide(samples, agree);
    return { key: problem.key, answers: outcomes.map((outcome) => outcome.answer), decision, answer: agree ? outcomes[0]!.answer : null, usable, time: new Date().toISOString() };
  }

  /** The whole pipeline of one pair; returns what happened to it, or null when it must be redone. */
  async run(pair: InterpolationPair, previous: { interpolation?: InterpolationRow; solutions: Map<string, AttemptRecord> }): Promise<'kept' | 'dropped' | 'failed' | null> {
    let problem = previous.interpolation;
    if (problem?.status !== 'done') {
      problem = await this.interpolate(pair);
      if (problem.status === 'failed' && this.control.stopped) return null;
      this.files.interpolations.append(problem);
      if (problem.status === 'failed') {
        this.control.failed(problem.error ?? 'the interpolation request failed');
        return 'failed';
      }
      this.control.succeeded();
    }
    if (problem.dropped !== null) return 'dropped';
    const solutions: AttemptRecord[] = [];
    for (let sample = 0; sample < this.config.samples; sample += 1) {
      let solution = previous.solutions.get(attemptKey(problem.key, sample));
      if (solution?.status !== 'done') {
        if (this.control.stopped) return null;
        solution = (await solveAttempt({ id: problem.key, question: problem.question }, sample, this.options.student, this.options.sandbox, this.config, this.control.signal)).record;
        if (solution.stop_reason === 'aborted' && this.control.stopped) return null;
        this.files.solutions.append(solution);
        if (solution.status === 'failed') {
          this.control.failed(solution.error ?? solution.stop_reason);
          return 'failed';
        }
        this.control.succeeded();
      }
      solutions.push(solution);
    }
    const decision = await this.decide(problem, solutions);
    this.files.decisions.append(decision);
    return decision.decision === 'kept' ? 'kept' : 'dropped';
  }
}

export async function runD1(options: RunD1Options): Promise<D1Outcome> {
  const { config, outDir } = options;
  prepareStageFolder(outDir);
  prepareStageManifest(
    join(outDir, D1_FILES.manifest),
    {
      stage: 'd1',
      command: options.command,
      config: { ...config },
      resultAffecting: {
        pairSeed: config.pairSeed,
        interpolation: config.interpolation,
        judge: { enabled: config.judge.enabled, filter: config.judge.filter },
        samples: config.samples,
        sampling: config.sampling,
        solve: config.solve,
        seeds: options.inputs.find((input) => input.role === 'seeds')?.sha256 ?? null,
      },
      models: { teacher: options.teacherIdentity, student: options.studentIdentity },
      inputs: options.inputs,
      sandbox: options.sandbox.info,
    },
    options.force ?? false,
  );
  const opened = {
    interpolations: ResultsFile.open(join(outDir, D1_FILES.interpolations), { parseRow: parseInterpolationRow }),
    solutions: ResultsFile.open(join(outDir, D1_FILES.solutions), { parseRow: parseSolutionRow }),
    decisions: ResultsFile.open(join(outDir, D1_FILES.decisions), { parseRow: parseDecisionRow }),
  };
  const files: D1Files = { interpolations: opened.interpolations.file, solutions: opened.solutions.file, decisions: opened.decisions.file };
  const interpolations = new Map(latestRows(opened.interpolations.rows).map((row) => [row.key, row]));
  const solutionsByKey = new Map(latestRows(opened.solutions.rows).map((row) => [row.key, row]));
  const decisions = new Map(latestRows(opened.decisions.rows).map((row) => [row.key, row]));

  const pairs = interpolationPairs(options.seeds, config.problems, config.pairSeed);
  const tally = { done: 0, total: pairs.length, kept: 0, dropped: 0, failed: 0 };
  const todo: InterpolationPair[] = [];
  for (const pair of pairs) {
    const decision = decisions.get(pair.id);
    const dropped = interpolations.get(pair.id)?.dropped;
    if (decision || (dropped !== undefined && dropped !== null)) {
      tally.done += 1;
      if (decision?.decision === 'kept') tally.kept += 1;
      else tally.dropped += 1;
    } else {
      todo.push(pair);
    }
  }
  const skipped = tally.done;
  options.onStart?.({ total: tally.total, alreadyDone: tally.done, alreadyKept: tally.kept });

  const checker = new SymbolicChecker(() => options.sandbox.createSession());
  const control = new StageRunControl(options.signal, options.maxConsecutiveFailures);
  const pipeline = new D1Pipeline(options, files, createStrictGrader({ checker }), control);
  let written = 0;
  try {
    await forEachConcurrent(todo, config.concurrency, async (pair) => {
      if (control.stopped) return;
      const solutions = new Map<string, AttemptRecord>();
      for (let sample = 0; sample < config.samples; sample += 1) {
        const key = attemptKey(pair.id, sample);
        const solution = solutionsByKey.get(key);
        if (solution) solutions.set(key, solution);
      }
      const interpolation = interpolations.get(pair.id);
      const outcome = await pipeline.run(pair, { ...(interpolation ? { interpolation } : {}), solutions });
      if (outcome === null) return;
      written += 1;
      if (outcome === 'failed') tally.failed += 1;
      else {
        tally.done += 1;
        if (outcome === 'kept') tally.kept += 1;
        else tally.dropped += 1;
      }
      options.onProgress?.({ ...tally });
    });
  } finally {
    control.dispose();
    for (const file of Object.values(files)) file.close();
    await checker.close();
  }

  const keptPath = join(outDir, D1_FILES.kept);
  writeFileAtomically(keptPath, d1Examples(outDir, config, options.teacherIdentity, options.studentIdentity).map((example) => JSON.stringify(example) + '\n').join(''));
  const stats = d1Stats(readD1Rows(outDir), config);
  writeJsonAtomically(join(outDir, D1_FILES.stats), stats);
  writeFileAtomically(join(outDir, D1_FILES.report), d1StatsMarkdown(stats, outDir));
  const repairedBytes = opened.interpolations.truncatedBytes + opened.solutions.truncatedBytes + opened.decisions.truncatedBytes;
  return { written, skipped, failed: tally.failed, repairedBytes, stoppedEarly: control.stoppedEarly, keptPath, stats };
}
