import { useMemo } from 'preact/hooks';
import { renderMathText } from '../markdown';

/** A question: plain text (not Markdown) with its LaTeX rendered, line breaks kept. */
export function MathText({ text, class: className = '' }: { text: string; class?: string }) {
  const html = useMemo(() => renderMathText(text.trim()), [text]);
  return <div class={`math-text ${className}`} dangerouslySetInnerHTML={{ __html: html }} />;
}
