import { errorMessage } from '../errors.js';
import { ABORTED, BACKEND_FAILURE, CONTEXT_OVERFLOW, isErrorOfKind } from '../llm/backend-errors.js';
import type { BackendInfo } from '../llm/types.js';
import { ANSWER_POLICY, answerTexts, displayAnswers, trajectoryLastMessage } from '../grade/final-answers.js';
import type { ProblemDeadline } from './problem-deadline.js';
import type { TrajectoryRecorder } from './trajectory-recorder.js';
import type { SolveResult, StopReason, TokenCounts } from './types.js';

/** What a failed model call means for the loop (a stop reason), or null when it is not the loop's to handle. */
export function stopForError(error: unknown, deadline: ProblemDeadline): { reason: StopReason; message: string | null } | null {
  if (isErrorOfKind(error, CONTEXT_OVERFLOW)) return { reason: 'context_overflow', message: null };
  if (isErrorOfKind(error, ABORTED) || deadline.stopReason() !== null) return { reason: deadline.stopReason() ?? 'aborted', message: null };
  if (isErrorOfKind(error, BACKEND_FAILURE)) return { reason: 'backend_error', message: errorMessage(error) };
  return null;
}

export interface LoopOutcome {
  readonly question: string;
  readonly syntax: SolveResult['syntax'];
  readonly info: BackendInfo;
  readonly stopReason: StopReason;
  readonly error: string | null;
  readonly rounds: number;
  readonly tokens: TokenCounts;
  readonly transcript: string | null;
}

/** The result of a problem: its trajectory, the final answers of its last message, and how it ended. */
export function solveResult(outcome: LoopOutcome, recorder: TrajectoryRecorder): SolveResult {
  const blocks = recorder.finish();
  const last = trajectoryLastMessage(blocks, outcome.stopReason === 'finished');
  const answers = answerTexts(last.text, { prose: last.complete });
  return {
    question: outcome.question,
    syntax: outcome.syntax,
    backend: outcome.info.kind,
    model: outcome.info.model,
    blocks,
    answers,
    answer: answers.length > 0 ? displayAnswers(answers) : null,
    answerPolicy: ANSWER_POLICY,
    stopReason: outcome.stopReason,
    error: outcome.error,
    rounds: outcome.rounds,
    tokens: outcome.tokens,
    timings: { totalMs: Math.round(recorder.elapsedMs()), generationMs: Math.round(recorder.generationMs), executionMs: Math.round(recorder.executionMs) },
    transcript: outcome.transcript,
  };
}
