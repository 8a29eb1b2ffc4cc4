import { boxedSpans } from '../grade/final-answers.js';

/**
 * The content of the last `\boxed{…}` (or `\fbox{…}`) in a text, braces balanced; null when there is none.
 * A solve run reports every final answer (`SolveResult.answers`, the `final-answers@1` policy); this is the last box.
 */
export function lastBoxedAnswer(text: string): string | null {
  return boxedSpans(text).filter((span) => text[span.end - 1] === '}').at(-1)?.text.trim() ?? null;
}
