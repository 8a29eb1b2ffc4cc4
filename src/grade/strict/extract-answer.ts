import { answerTexts, boxedSpans, closingBrace, displayAnswers } from '../final-answers.js';
import { isName } from './answer-bindings.js';

/**
 * The strict grader's text clean-up (answers are found by the `final-answers@1` policy, ../final-answers.ts).
 * Clean-up removes what never changes the value: `$`, `\(`/`\)`, `\left`/`\right`, spacing commands,
 * `\text{…}` wrappers, units after a number, `^\circ`, `\%` and "percent", currency signs, thousands separators,
 * a final period, a remark in parentheses after the value; `**` is a power, `x \approx 11` is `x = 11`.
 */

function balancedGroup(text: string, open: number): string | null {
  const end = closingBrace(text, open);
  return end === -1 ? null : text.slice(open + 1, end - 1);
}

/** The content of the last \boxed or \fbox, or null. */
export function lastBoxed(text: string): string | null {
  return boxedSpans(text).at(-1)?.text ?? null;
}

/** The final answers of a text under `final-answers@1`, joined by "; " (the whole text when it has none). */
export function extractStrictAnswer(text: string): string {
  const answers = answerTexts(text);
  return answers.length > 0 ? displayAnswers(answers) : text.trim();
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

const UNIT_WORD = /^[a-z]{2,}\.?$|^[a-z]+\/[a-z]+$|^\^/i;

export interface NormalizedAnswer {
  readonly text: string;
  /** The answer had a percent sign (so 50% may be meant as 0.5). */
  readonly percent: boolean;
}

const PERCENT_WORD = /\s*(?:\\text\{\s*)?\b(?:percent(?:age)?|per\s?cent|pct)\b(?:\s*\})?/i;

/** `A \approx B`: a name is set to B (`x \approx 11` is `x = 11`); otherwise the exact A is kept. */
function withoutApproximation(text: string): string {
  const index = text.search(/\\approx|≈/);
  if (index === -1) return text;
  const before = text.slice(0, index).trim();
  const after = text.slice(index).replace(/^(?:\\approx|≈)\s*/, '');
  if (isName(before.replace(/\s+/g, ''))) return `${before} = ${after.split(/\\approx|≈/)[0]!.trim()}`;
  return before === '' ? after : before;
}

export function normalizeAnswer(raw: string): NormalizedAnswer {
  let text = raw.trim();
  const percent = /\\%|%/.test(text) || PERCENT_WORD.test(text);
  text = text.replace(PERCENT_WORD, '');
  text = text.replace(/\\\(|\\\)|\\\[|\\\]/g, '').replace(/\\\$|\$/g, '');
  text = text.replace(/−/g, '-').replace(/×/g, '\\times ').replace(/²/g, '^2').replace(/³/g, '^3').replace(/[€£¥₹]/g, '');
  text = text.replace(/\*\*/g, '^').replace(/\\cfrac/g, '\\frac').replace(/\{\s*,\s*\}/g, ',');
  // `\\frac{1}{3}` written with doubled backslashes (an escaped string), where no matrix needs `\\`.
  if (!/\\begin\{/.test(text)) text = text.replace(/(?<!\\)\\\\(?=[a-zA-Z])/g, '\\');
  // A matrix in parentheses or brackets: `(\begin{pmatrix}…\end{pmatrix})`, `\left[\begin{array}{cc}…\end{array}\right]`.
  text = text.replace(/^\s*(?:\\left)?\s*[([]\s*(\\begin\{([pbvBV]?matrix|array)\}[\s\S]*\\end\{\2\})\s*(?:\\right)?\s*[)\]]\s*$/, '$1');
  // A matrix row break written with one backslash (`\begin{pmatrix}-6\6\end{pmatrix}`, as some stored answers are).
  if (/\\begin\{[pbvBV]?matrix\}/.test(text)) text = text.replace(/(?<!\\)\\(?=-?\d)/g, '\\\\');
  // `n \equiv 5 \pmod{17}`: n = 5.
  text = text.replace(/\s*(?:\\pmod\s*\{[^{}]*\}|\\pmod\s*\d+|\(\s*\\?(?:bmod|mod)\s*\d+\s*\))\s*$/, '').replace(/\\equiv/g, '=');
  text = withoutApproximation(text);
  // Relations in one spelling, before spaces go (`\le x` must not become `\lex`).
  text = text
    .replace(/\\leqslant|\\leq|\\le(?![a-zA-Z])|<=|⩽/g, '≤')
    .replace(/\\geqslant|\\geq|\\ge(?![a-zA-Z])|>=|⩾/g, '≥')
    .replace(/\\neq|\\ne(?![a-zA-Z])|!=/g, '≠')
    .replace(/\\lt(?![a-zA-Z])/g, '<')
    .replace(/\\gt(?![a-zA-Z])/g, '>');
  text = text.replace(/\\left|\\right|\\big|\\Big|\\displaystyle/g, '');
  // `16,\!386.20`: LaTeX's thousands separator; a comma and a plain space (`32, 349`) separate two values.
  text = text.replace(/,\s*\\[!,]\s*/g, ',');
  text = text.replace(/(?<!\\)\\[!,;: ]|~/g, ' ').replace(/\\quad|\\qquad/g, ' ');
  const spacedComma = /\d,\s+\d/.test(text);
  text = text.replace(/\\[dt]frac/g, '\\frac');
  text = unwrap(text, ['text', 'textbf', 'textit', 'textnormal', 'textsf', 'mathrm', 'mathbf', 'mathsf', 'mbox', 'operatorname', 'boldsymbol']);
  // `x \in (2,12) \cup (12,102)`: the set itself.
  text = text.replace(/^\s*[a-zA-Z]\s*\\in\s*/, '');
  text = text.replace(/\^\s*\{\s*\\circ\s*\}|\^\s*\\circ|°|\\circ|\\degree/g, '');
  text = text.replace(/\\%|%/g, '');
  // \frac34, \frac 3 4, \sqrt2: single-character arguments given without braces.
  text = text.replace(/\\frac\s*([0-9a-zA-Z])\s*([0-9a-zA-Z])/g, '\\frac{$1}{$2}');
  text = text.replace(/\\frac\s*([0-9a-zA-Z])\s*\{/g, '\\frac{$1}{');
  text = text.replace(/\\frac\s*\{([^{}]*)\}\s*([0-9a-zA-Z])/g, '\\frac{$1}{$2}');
  text = text.replace(/\\sqrt\s*([0-9a-zA-Z])/g, '\\sqrt{$1}');
  text = text.trim().replace(/\.$/, '').trim();
  // A remark in parentheses after the value: "30 (with a Remainder of 0)", "19 (for the number of boys)".
  text = text.replace(/^(.*?\S)\s*\((?=[^()]*[a-zA-Z]{2,}\s+[a-zA-Z]{2,})[^()]*\)$/, '$1');
  // A unit with an exponent glued to the value: 1,000.99m^2.
  text = text.replace(/^(-?[\d.,]+)\s*(?:mm|cm|km|m|ft|in)\^\{?[23]\}?$/, '$1');
  // Values listed with "and" or "or": "12 and 13", "19, 46, and 82", "(11,7) or (7,11)", "p = -1 and p = 15/8".
  text = text.replace(/\)\s*,?\s*\b(?:and|or)\b\s*\(/g, '),(').replace(/\s+(?:and|or)\s+(?=[A-Za-z]\w*(?:\([^()]*\))?\s*=)/g, ', ');
  if (/\b(?:and|or)\b/.test(text) && !/[a-zA-Z]/.test(text.replace(/\b(?:and|or)\b/g, '').replace(/\\[a-zA-Z]+/g, ''))) text = text.replace(/\s*,?\s*\b(?:and|or)\b\s*/g, ',');
  // Units after a value: "12 degrees", "99\pi square inches", "40 points", "5 cm^2".
  const units = text.length > 200 ? null : /^(.*?[0-9}a-zA-Z)])\s+((?:[a-zA-Z]{2,}\.?|[a-zA-Z]+\/[a-zA-Z]+)(?:\s+(?:[a-zA-Z]{2,}\.?|[a-zA-Z]+\/[a-zA-Z]+))*(?:\s*\^\s*\{?\d\}?)?)$/.exec(text);
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
  if (!spacedComma && /^[+-]?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?$/.test(text)) text = text.replace(/,/g, '');
  // `-12;-11;-10`, `(0;0;0)`: semicolons separate items where no comma does, and inside tuples.
  text = text.replace(/\(([^()]*)\)/g, (group: string, inner: string) => (inner.includes(';') ? `(${inner.replace(/;/g, ',')})` : group));
  if (text.includes(';') && !text.includes(',')) text = text.replace(/;/g, ',');
  return { text, percent };
}
