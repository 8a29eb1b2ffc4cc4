import { useMemo } from 'preact/hooks';
import { renderAnswer } from '../markdown';

const PLAIN_CHARS = 100;

/** An answer or reference rendered as math (KaTeX), or as plain text when it is not a formula; empty as a dash. */
export function MathAnswer({ text, testId }: { text: string | null | undefined; testId?: string }) {
  const html = useMemo(() => (text ? renderAnswer(text) : null), [text]);
  if (!text) return <span class="math-answer muted" data-testid={testId}>—</span>;
  if (html === null) {
    return (
      <span class="math-answer plain" data-testid={testId}>
        {text.length > PLAIN_CHARS ? `${text.slice(0, PLAIN_CHARS)}…` : text}
      </span>
    );
  }
  return <span class="math-answer" data-testid={testId} dangerouslySetInnerHTML={{ __html: html }} />;
}

/** In place of an answer, for a trajectory that stopped (max_rounds…) without writing one. */
export function NoAnswer({ stopReason }: { stopReason: string }) {
  return (
    <span class="math-answer muted" data-testid="no-answer" title="the trajectory ended in code or its output, which the graders read; it is not shown as an answer">
      no answer ({stopReason})
    </span>
  );
}
