import type { CellStatus } from '../sandbox/types.js';
import { normaliseExecution } from './normalise.js';

/**
 * Why a re-executed cell printed something other than the published execution. The kinds, in the order
 * they are tested:
 * - `published-timeout`: the published cell hit MathCoder's 6 s reply timeout (its kernel was never
 *   interrupted, so that run's later cells read stale output); a sandbox that interrupts cannot agree.
 * - `replay-timeout`: the re-execution hit this sandbox's time limit (or was killed) where the published one did not.
 * - `kernel-noise`: the published output holds a message of the Jupyter kernel itself (history thread errors).
 * - `after-earlier-mismatch`: an earlier cell of the same trajectory computed something else, so the state differs.
 * - `library-frames`: both raised the same error from the same cell lines; only frames inside library files
 *   differ (their paths and line numbers are those of Python 3.9 / SymPy 1.12 on the authors' machine).
 * - `syntax-message`: both are SyntaxErrors; the parser's wording differs between Python versions.
 * - `error-message`: the same exception type with other wording (Python or SymPy version).
 * - `float-rounding`: equal once every number is rounded to 12 significant digits.
 * - `ordering`: the same lines or items in another order (set or solution order of another SymPy).
 * - `error-vs-output`: one raised and the other did not (a library behaves differently).
 * - `output-differs`: both succeeded with different output (a library computes differently).
 */
export const MISMATCH_KINDS = [
  'published-timeout',
  'replay-timeout',
  'kernel-noise',
  'after-earlier-mismatch',
  'library-frames',
  'syntax-message',
  'error-message',
  'float-rounding',
  'ordering',
  'error-vs-output',
  'output-differs',
] as const;

export type MismatchKind = (typeof MISMATCH_KINDS)[number];

/** Kinds after which the session's variables may differ from the published run's. */
const STATE_CHANGING: ReadonlySet<MismatchKind> = new Set(['published-timeout', 'replay-timeout', 'error-vs-output', 'output-differs', 'after-earlier-mismatch']);

export interface MismatchInput {
  readonly code: string;
  readonly published: string;
  readonly replayed: string;
  readonly status: CellStatus;
  /** Kinds of the mismatches earlier in the same trajectory. */
  readonly earlierKinds: readonly MismatchKind[];
}

const TRACEBACK_MARK = 'Traceback (most recent call last)';
const MATHCODER_TIMEOUT = /^-{75} Timeout waiting for reply\s+Traceback \(most recent call last\)/;
const FRAME_START = / (?=Cell In\[\d+\], line \d+|File [^\n]*:\d+, in )/;
const NUMBER = /-?\d+\.\d+(?:e[-+]?\d+)?/g;

interface ParsedTraceback {
  readonly frames: readonly string[];
  readonly errorLine: string;
}

function parseTraceback(text: string): ParsedTraceback | null {
  if (text.includes(TRACEBACK_MARK)) {
    const lastNewline = text.lastIndexOf('\n');
    const errorLine = text.slice(lastNewline + 1).trim();
    const body = lastNewline >= 0 ? text.slice(0, lastNewline) : text;
    return { frames: body.split(FRAME_START).slice(1), errorLine };
  }
  const syntax = /(?:^|\n)(\w*(?:Syntax|Indentation|Tab)Error)(?::.*)?$/.exec(text);
  if (syntax) return { frames: [text.slice(0, syntax.index)], errorLine: text.slice(syntax.index).trim() };
  return null;
}

function errorType(line: string): string {
  return line.split(':')[0]!.trim();
}

function roundNumbers(text: string): string {
  return text.replace(NUMBER, (value) => String(Number(Number(value).toPrecision(12))));
}

function sortedItems(text: string): string {
  return text
    .replace(/[[\](){}]/g, ' ')
    .split(/,\s*|\n/)
    .map((item) => item.trim())
    .filter((item) => item !== '')
    .sort()
    .join('|');
}

export function classifyMismatch(input: MismatchInput): MismatchKind {
  const published = normaliseExecution(input.published);
  const replayed = normaliseExecution(input.replayed);
  if (MATHCODER_TIMEOUT.test(published)) return 'published-timeout';
  if (input.status === 'timeout' || input.status === 'killed') return 'replay-timeout';
  if (published.includes('The history saving thread hit an unexpected error')) return 'kernel-noise';
  if (input.earlierKinds.some((kind) => STATE_CHANGING.has(kind))) return 'after-earlier-mismatch';
  const publishedError = parseTraceback(published);
  const replayedError = parseTraceback(replayed);
  if (publishedError && replayedError) {
    if (publishedError.errorLine === replayedError.errorLine) {
      const cellFrames = (frames: readonly string[]) => frames.filter((frame) => !frame.startsWith('File ')).join('\n');
      if (cellFrames(publishedError.frames) === cellFrames(replayedError.frames)) return 'library-frames';
    }
    const type = errorType(publishedError.errorLine);
    if (type === errorType(replayedError.errorLine)) return /SyntaxError|IndentationError|TabError/.test(type) ? 'syntax-message' : 'error-message';
    return 'output-differs';
  }
  if (publishedError || replayedError) return 'error-vs-output';
  if (roundNumbers(published) === roundNumbers(replayed)) return 'float-rounding';
  if (sortedItems(published) === sortedItems(replayed)) return 'ordering';
  return 'output-differs';
}
