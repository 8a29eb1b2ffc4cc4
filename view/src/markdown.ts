import DOMPurify from 'dompurify';
import katex from 'katex';
import { Marked, type TokenizerAndRendererExtension, type Tokens } from 'marked';

/**
 * Model text as HTML: Markdown (marked) with LaTeX rendered by KaTeX in the delimiters the MathCoder data uses:
 * `$…$`, `$$…$$`, `\(…\)`, `\[…\]`, and a bare `\boxed{…}` outside math. `$` follows Pandoc's rule so that
 * amounts of money stay text: the opening `$` has a non-space after it, the closing one a non-space before it and no
 * digit after it ("$20 and $30" is not math). Raw HTML in the text is shown as text; the result is sanitised.
 * Questions are not Markdown: they are plain text with math only (`renderMathText`), since `p**2` and `-3*k + 2*b`
 * in the Mathematics set would otherwise turn into bold and italics.
 */

const KATEX_OPTIONS = { throwOnError: false, output: 'html' } as const;

interface MathToken extends Tokens.Generic {
  readonly text: string;
  readonly displayMode: boolean;
}

const DELIMITED = [
  { pattern: /^\$\$([\s\S]+?)\$\$/, display: true },
  { pattern: /^\\\[([\s\S]+?)\\\]/, display: true },
  { pattern: /^\\\(([\s\S]+?)\\\)/, display: false },
  { pattern: /^\$(?=\S)((?:\\.|[^\\$])*?[^\s\\])\$(?!\d)/, display: false },
];

/** The length of `\boxed{…}` with balanced braces at the start of `source`, or 0. */
function boxedLength(source: string): number {
  if (!source.startsWith('\\boxed{')) return 0;
  let depth = 0;
  for (let index = '\\boxed'.length; index < source.length; index += 1) {
    const char = source[index];
    if (char === '\\') index += 1;
    else if (char === '{') depth += 1;
    else if (char === '}' && --depth === 0) return index + 1;
  }
  return 0;
}

const MATH_START = /\$|\\[([]|\\boxed\{/;

/** The math at the very start of `source` (its source text, its LaTeX, display or inline), or null. */
function mathAt(source: string): { raw: string; text: string; displayMode: boolean } | null {
  for (const { pattern, display } of DELIMITED) {
    const match = pattern.exec(source);
    if (match) return { raw: match[0], text: (match[1] ?? match[2] ?? '').trim(), displayMode: display };
  }
  const boxed = boxedLength(source);
  if (boxed > 0) return { raw: source.slice(0, boxed), text: source.slice(0, boxed), displayMode: false };
  return null;
}

const math: TokenizerAndRendererExtension = {
  name: 'math',
  level: 'inline',
  start: (source) => {
    const index = source.search(MATH_START);
    return index < 0 ? undefined : index;
  },
  tokenizer: (source) => {
    const found = mathAt(source);
    return found ? { type: 'math', ...found } : undefined;
  },
  renderer: (token) => {
    const { text, displayMode } = token as MathToken;
    return katex.renderToString(text, { ...KATEX_OPTIONS, displayMode });
  },
};

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const marked = new Marked({ extensions: [math] }, { gfm: true, breaks: true, renderer: { html: (token) => escapeHtml(token.text) } });

/**
 * An answer (`\\frac{15}{2}`, `7.5`) as inline math; null for what is not a formula (a grader that found no
 * boxed answer may have taken a whole sentence) or does not parse.
 */
export function renderAnswer(text: string): string | null {
  if (text.length > 80 || text.includes('\n') || /[A-Za-z]{3,}\s+[A-Za-z]{3,}\s+[A-Za-z]{3,}/.test(text.replace(/\\[A-Za-z]+(\{[^}]*\})?/g, ''))) return null;
  try {
    return katex.renderToString(text, { ...KATEX_OPTIONS, throwOnError: true });
  } catch {
    return null;
  }
}

/**
 * Plain text with its math rendered: every character outside the math delimiters is shown as written (escaped; line
 * breaks are kept by the `math-text` style), nothing is read as Markdown.
 */
export function renderMathText(text: string): string {
  let html = '';
  let rest = text;
  while (rest.length > 0) {
    const start = rest.search(MATH_START);
    if (start < 0) {
      html += escapeHtml(rest);
      break;
    }
    html += escapeHtml(rest.slice(0, start));
    rest = rest.slice(start);
    const found = mathAt(rest);
    if (found) {
      html += katex.renderToString(found.text, { ...KATEX_OPTIONS, displayMode: found.displayMode });
      rest = rest.slice(found.raw.length);
    } else {
      html += escapeHtml(rest[0]!);
      rest = rest.slice(1);
    }
  }
  return DOMPurify.sanitize(html);
}

export function renderMarkdown(text: string): string {
  return DOMPurify.sanitize(marked.parse(text, { async: false }));
}
