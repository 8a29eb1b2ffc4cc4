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
