import type { CellResult } from './types.js';

/**
 * The text a model reads for an executed cell.
 * - `mathcoder`: what MathCoder's Jupyter client wrote (src/inference.py, handle_iopub_msg): the printed
 *   streams, then the last expression's text/plain, then the traceback parts joined with a space; the whole
 *   stripped of surrounding whitespace; `<empty_execution>` when nothing was shown.
 * - `tora`: what ToRA's executor wrote: printed output, or else the last line of the traceback, or else "Done";
 *   each cut to its first and last 200 characters past 400.
 */
export type ExecutionStyle = 'mathcoder' | 'tora';

export interface ExecutionTextOptions {
  readonly style: ExecutionStyle;
  /** Replaces MathCoder's `<empty_execution>` sentinel (ToRA style always says "Done"). */
  readonly emptyText?: string;
  /** ToRA style: the longest output kept before head+tail cutting (400 in ToRA). */
  readonly toraMaxChars?: number;
}

export const MATHCODER_EMPTY_EXECUTION = '<empty_execution>';

/** Python's str.strip(): whitespace as Python counts it. */
export function pythonStrip(text: string): string {
  return text.replace(/^[\s\x1c-\x1f\x85]+|[\s\x1c-\x1f\x85]+$/gu, '');
}

function killedText(result: CellResult): string {
  return `ExecutionKilled: ${result.message ?? 'the cell was killed'}`;
}

function mathcoderText(result: CellResult, emptyText: string): string {
  let text = result.streams.map((chunk) => chunk.text).join('');
  if (result.result !== null) text += result.result;
  if (result.error !== null) text += result.error.traceback.join(' ');
  if (result.status === 'killed') text += killedText(result);
  text = pythonStrip(text);
  return text === '' ? emptyText : text;
}

function toraTruncate(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const half = Math.floor(maxChars / 2);
  return text.slice(0, half) + '...' + text.slice(text.length - half);
}

function toraText(result: CellResult, maxChars: number): string {
  const printed = toraTruncate(pythonStrip(result.streams.map((chunk) => chunk.text).join('')), maxChars);
  if (printed !== '') return printed;
  if (result.status === 'killed') return toraTruncate(killedText(result), maxChars);
  if (result.error !== null) {
    const line = result.error.value === '' ? result.error.name : `${result.error.name}: ${result.error.value}`;
    return toraTruncate(pythonStrip(line), maxChars);
  }
  return 'Done';
}

export function executionText(result: CellResult, options: ExecutionTextOptions = { style: 'mathcoder' }): string {
  return options.style === 'tora'
    ? toraText(result, options.toraMaxChars ?? 400)
    : mathcoderText(result, options.emptyText ?? MATHCODER_EMPTY_EXECUTION);
}
