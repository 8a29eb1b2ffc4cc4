/**
 * The strict grader's answer extraction and text clean-up. The answer is the content of the last `\boxed{…}`
 * or `\fbox{…}` (nested braces counted), else the text after the last "answer is", else the whole text.
 * Clean-up removes what never changes the value: `$`, `\(`/`\)`, `\left`/`\right`, spacing commands,
 * `\text{…}` wrappers, units after a number, `^\circ`, `\%`, `\$`, thousands separators, a final period.
 */

function balancedGroup(text: string, open: number): string | null {
  let depth = 0;
  for (let index = open; index < text.length; index += 1) {
    if (text[index] === '{') depth += 1;
    else if (text[index] === '}') {
      depth -= 1;
      if (depth === 0) return text.slice(open + 1, index);
    }
  }
  return null;
}

/** The content of the last \boxed or \fbox, or null. */
export function lastBoxed(text: string): string | null {
  const index = Math.max(text.lastIndexOf('\\boxed'), text.lastIndexOf('\\fbox'));
  if (index === -1) return null;
  const after = text.slice(index).replace(/^\\(boxed|fbox)/, '');
  const open = after.search(/\S/);
  if (open === -1) return null;
  if (after[open] === '{') return balancedGroup(after, open);
  // `\boxed 5` without braces: up to the next space or `$`.
  return /^\S+?(?=[\s$]|$)/.exec(after.slice(open))?.[0] ?? null;
}

export function extractStrictAnswer(text: string): string {
  const boxed = lastBoxed(text);
  if (boxed !== null) return boxed.trim();
  const match = /answer is[:\s]*([\s\S]*)$/i.exec(text);
  if (match) return match[1]!.trim().replace(/\.$/, '');
  return text.trim();
}

/** Removes `\cmd{…}` wrappers that only style their content, keeping the content. */
function unwrap(text: string, commands: readonly string[]): string {
  let result = text;
  for (const command of commands) {
    for (let index = result.indexOf(`\\${command}{`); index !== -1; index = result.indexOf(`\\${command}{`)) {
      const open = index + command.length + 1;
      const content = balancedGroup(result, open);
      if (content === null) break;
      result = `${result.slice(0, index)}${content}${result.slice(open + content.length + 2)}`;
    }
  }
  return result;
}

const UNIT_WORD = /^[a-z]{2,}\.?$|^\^/i;

export interface NormalizedAnswer {
  readonly text: string;
  /** The answer had a percent sign (so 50% may be meant as 0.5). */
  readonly percent: boolean;
}

export function normalizeAnswer(raw: string): NormalizedAnswer {
  let text = raw.trim();
  const percent = /\\%|%/.test(text);
  text = text.replace(/\\\(|\\\)|\\\[|\\\]/g, '').replace(/\\\$|\$/g, '');
  text = text.replace(/\\left|\\right|\\big|\\Big|\\displaystyle/g, '');
  text = text.replace(/\\[!,;:]|\\ |~/g, ' ').replace(/\\quad|\\qquad/g, ' ');
  text = text.replace(/\\[dt]frac/g, '\\frac');
  text = unwrap(text, ['text', 'textbf', 'textit', 'mathrm', 'mathbf', 'mbox', 'operatorname']);
  text = text.replace(/\^\s*\{\s*\\circ\s*\}|\^\s*\\circ|°|\\circ|\\degree/g, '');
  text = text.replace(/\\%|%/g, '');
  // \frac34, \frac 3 4, \sqrt2: single-character arguments given without braces.
  text = text.replace(/\\frac\s*([0-9a-zA-Z])\s*([0-9a-zA-Z])/g, '\\frac{$1}{$2}');
  text = text.replace(/\\frac\s*\{([^{}]*)\}\s*([0-9a-zA-Z])/g, '\\frac{$1}{$2}');
  text = text.replace(/\\sqrt\s*([0-9a-zA-Z])/g, '\\sqrt{$1}');
  text = text.trim().replace(/\.$/, '').trim();
  // Units after a value: "12 degrees", "99\pi square inches", "40 points", "5 cm^2".
  const units = text.length > 200 ? null : /^(.*?[0-9}a-zA-Z)])\s+([a-zA-Z]{2,}\.?(?:\s+[a-zA-Z]{2,}\.?)*(?:\s*\^\s*\{?\d\}?)?)$/.exec(text);
  if (units && /[0-9]|\\pi/.test(units[1]!) && units[2]!.replace(/\s*\^.*$/, '').split(/\s+/).every((word) => UNIT_WORD.test(word))) text = units[1]!;
  // A unit in braces glued to the value: 800{ml}, 5\{cm\}.
  text = text.replace(/^(.*\d)\s*\{\s*[a-zA-Z]{2,}\s*\}$/, '$1');
  // A mixed number (MATH writes 1\frac{4}{5} for 1 4/5) and scientific notation (1.2e5, 1.2 \times 10^5).
  const mixed = /^(-?)(\d+)\s*\\frac\{(\d+)\}\{(\d+)\}$/.exec(text);
  if (mixed) text = `${mixed[1]}\\frac{${BigInt(mixed[2]!) * BigInt(mixed[4]!) + BigInt(mixed[3]!)}}{${mixed[4]}}`;
  text = text.replace(/^(-?\d+(?:\.\d+)?)[eE]([+-]?\d+)$/, '$1\\times10^{$2}');
  // Numbers separated by spaces ("12 3 0", the Mathematics set's sorted lists) are an ordered list.
  if (/^-?\d+(?:\.\d+)?(?:\s+-?\d+(?:\.\d+)?)+$/.test(text)) text = `(${text.split(/\s+/).join(',')})`;
  text = text.replace(/\s+/g, '');
  // Braces around the whole answer ({(e)}, {sunday}) group nothing.
  while (text.startsWith('{') && text.endsWith('}') && balancedGroup(text, 0) === text.slice(1, -1)) text = text.slice(1, -1);
  // Thousands separators, only where the whole answer is one number (5,866,608; 25,000.50): in [1,100] the comma
  // separates two values.
  if (/^[+-]?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?$/.test(text)) text = text.replace(/,/g, '');
  return { text, percent };
}
