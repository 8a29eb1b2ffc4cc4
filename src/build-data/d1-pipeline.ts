import { errorMessage } from '../errors.js';
import { allAgree } from '../eval/sampling-metrics.js';
import { trajectoryLastMessage } from '../grade/final-answers.js';
import type { Grader } from '../grade/types.js';
import { ABORTED, BACKEND_FAILURE, CONTEXT_OVERFLOW, isErrorOfKind } from '../llm/backend-errors.js';
import type { ResultsFile } from '../eval/results-file.js';
import type { ModelBackend } from '../llm/create-backend.js';
import type { Sandbox } from '../sandbox/types.js';
import type { D1Config } from './d1-config.js';
import { decide, type DecisionRow, type InterpolationRow, type JudgeRecord } from './d1-rows.js';
import { degenerateReason, interpolatedQuestion } from './interpolated-problem.js';
import type { InterpolationPair } from './interpolation-pairs.js';
import { interpolationPrompt, judgePrompt, newProblemDifficulty, parseJudgeVerdict } from './interpolation-prompts.js';
import { meteredBackend } from './metered-backend.js';
import { attemptFault, attemptKey, solveAttempt, type AttemptRecord } from './solution-attempt.js';
import type { StageRunControl } from './stage-run.js';
import { askTeacher } from './teacher-request.js';

/**
 * The work of one (GSM8K, MATH) pair in D1, each step appended to its file as it finishes: the teacher's new
 * problem (and the judge's verdicts), the student's n solutions, the decision on them. Steps already in the files
 * are not done again.
 */
export interface D1Files {
  readonly interpolations: ResultsFile<InterpolationRow>;
  readonly solutions: ResultsFile<AttemptRecord>;
  readonly decisions: ResultsFile<DecisionRow>;
}

export interface D1Models {
  readonly teacher: ModelBackend;
  readonly student: ModelBackend;
  readonly sandbox: Sandbox;
}

export class D1Pipeline {
  constructor(
    private readonly options: D1Models & { readonly config: D1Config },
    private readonly files: D1Files,
    private readonly strict: Grader,
    private readonly control: StageRunControl,
  ) {}

  private get config(): D1Config {
    return this.options.config;
  }

  private async judge(backend: ModelBackend, source: string, question: string): Promise<JudgeRecord> {
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
    const samples = solutions.map((solution) => {
      const last = trajectoryLastMessage(solution.blocks, solution.stop_reason === 'finished');
      return { fault: attemptFault(solution), answer: this.strict.extract(last.text, { question: solution.question, complete: last.complete }) };
    });
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
