/**
 * An answer quoted in a verdict's `why`: LaTeX between `\(` and `\)` (so that the viewer renders it), plain text
 * as it is; a long one is cut (LaTeX then stays unrendered rather than broken).
 */
export function quoteAnswer(text: string): string {
  const plain = text.trim().replace(/^\$+|\$+$/g, '').replace(/^\\\(|\\\)$/g, '').trim();
  if (plain.length > 80) return `${plain.slice(0, 77)}…`;
  return /[\\^_{}]/.test(plain) ? `\\(${plain}\\)` : plain;
}
