import type { EvalRow } from '../api';
import { hasAnswer } from '../answers';
import { GRADERS, seconds } from '../format';
import { MarkdownText } from './markdown-text';
import { MathAnswer, NoAnswer } from './math-answer';
import { Verdict } from './verdict';

/** The answer each grader extracted against the reference, both verdicts with the rule that decided and why, and what the loop spent. */
export function AnswerPanel({ row }: { row: EvalRow }) {
  const answered = hasAnswer(row.stop_reason, row.blocks.at(-1)?.type ?? null);
  // The rule that decided each verdict; where the graders disagree, also why.
  const disagree = new Set(GRADERS.map((grader) => row.grades[grader]?.correct)).size > 1;
  return (
    <article class="answer-panel" data-testid="answer-panel">
      <div class="answers">
        <div>
          <div class="muted small">reference</div>
          <MathAnswer text={row.reference} testId="reference" />
        </div>
        {GRADERS.map((grader) => {
          const grade = row.grades[grader];
          return (
            <div key={grader} data-testid={`grade-${grader}`}>
              <div class="muted small">{grader} extracted</div>
              {answered ? <MathAnswer text={grade?.answer} /> : <NoAnswer stopReason={row.stop_reason} />} <Verdict correct={grade?.correct ?? false} />
              {grade && answered && <div class="muted small">{grade.method}{grade.reason ? `: ${grade.reason}` : ''}</div>}
              {grade?.rule && (
                <div class="small" data-testid={`grade-${grader}-rule`}>
                  <strong>{grade.rule}</strong>
                  {disagree && grade.why && <MarkdownText text={grade.why} class="why" />}
                </div>
              )}
            </div>
          );
        })}
      </div>
      <div class="muted small facts">
        stop: <strong>{row.stop_reason}</strong>
        {row.error && <span class="error"> ({row.error})</span>} · {row.rounds} rounds · {row.tokens.generated} tokens generated · {seconds(row.timings.totalMs)} (generation{' '}
        {seconds(row.timings.generationMs)}, code {seconds(row.timings.executionMs)})
        {row.status === 'failed' && <span class="error"> · failed: redone when the run resumes</span>}
      </div>
    </article>
  );
}
