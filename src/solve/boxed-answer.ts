/**
 * The content of the last `\boxed{…}` (or `\fbox{…}`) in a text, braces balanced; null when there is none.
 * Graders normalise it further; this is the answer a solve run reports.
 */
export function lastBoxedAnswer(text: string): string | null {
  const pattern = /\\(?:boxed|fbox)\s*\{/g;
  let answer: string | null = null;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    let depth = 1;
    let index = match.index + match[0].length;
    const start = index;
    for (; index < text.length && depth > 0; index += 1) {
      if (text[index] === '{') depth += 1;
      else if (text[index] === '}') depth -= 1;
    }
    if (depth === 0) answer = text.slice(start, index - 1).trim();
  }
  return answer;
}
