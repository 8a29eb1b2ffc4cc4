import DOMPurify from 'dompurify';
import katex from 'katex';
import { Marked, type TokenizerAndRendererExtension, type Tokens } from 'marked';

/**
 * Model text and questions as HTML: Markdown (marked) with LaTeX rendered by KaTeX in the delimiters the MathCoder
 * data uses: `$…$`, `$$…$$`, `\(…\)`, `\[…\]`, and a bare `\boxed{…}` outside math. `$` follows Pandoc's rule so
 * that amounts of money stay text: the opening `$` has a non-space after it, the closing one a non-space before it
 * and no digit after it ("$20 and $30" is not math). Raw HTML in the text is shown as text; the result is sanitised.
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

const math: TokenizerAndRendererExtension = {
  name: 'math',
  level: 'inline',
  start: (source) => {
    const index = source.search(MATH_START);
    return index < 0 ? undefined : index;
  },
  tokenizer: (source) => {
    for (const { pattern, display } of DELIMITED) {
      const match = pattern.exec(source);
      if (match) return { type: 'math', raw: match[0], text: (match[1] ?? match[2] ?? '').trim(), displayMode: display };
    }
    const boxed = boxedLength(source);
    if (boxed > 0) return { type: 'math', raw: source.slice(0, boxed), text: source.slice(0, boxed), displayMode: false };
    return undefined;
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

export function renderMarkdown(text: string): string {
  return DOMPurify.sanitize(marked.parse(text, { async: false }));
}
