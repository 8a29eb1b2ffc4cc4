/**
 * What a trajectory syntax (a "dialect") says about running code, besides its text format: how many programs a
 * problem may run and what happens after, whether programs share state, how their output is written and cut,
 * and how long one may run. The solve loop and the run manifest read it; the README's dialect table describes it.
 */

/**
 * - `stateful`: one Python session per problem; variables persist between programs (MathCoder, harmony's
 *   "stateful Jupyter notebook", NeMo-Skills' IPython sessions).
 * - `stateless`: every program runs in a fresh session (ReTool's executor pickles a fresh runtime per program).
 * - `rerun-earlier`: every program runs in a fresh session after the earlier programs whose output showed no error,
 *   with their `print(` lines removed (Qwen2.5-Math `evaluation/trajectory.py` `extract_program`).
 */
export type ExecutionState = 'stateful' | 'stateless' | 'rerun-earlier';

/**
 * How a cell's result is written for the model:
 * - `mathcoder`: MathCoder's Jupyter client (streams, last expression, traceback; `<empty_execution>`);
 * - `tora`: ToRA's executor (printed output, else the traceback's last line, else `Done`; 200+200 cut);
 * - `qwen`: Qwen2.5-Math's executor in `auto_mode` (the printed output when the last line prints, else the
 *   value of the last line; else the traceback's last line, `Done`, `Timeout Error`; each cut to 200+...+200);
 * - `nemo`: NeMo-Skills' IPython sandbox with the `qwen` output format (stdout then stderr, each cut at 1,000
 *   characters with `<output cut>`);
 * - `harmony`: gpt-oss's Jupyter python tool (stdout and results, then stderr and the traceback; a `[WARN]` line
 *   when there is no output);
 * - `retool`: ReTool's executor (the printed output, else the value of the last line; the traceback's last line on
 *   error; 200+...+200 cut).
 */
export type OutputStyle = 'mathcoder' | 'tora' | 'qwen' | 'nemo' | 'harmony' | 'retool';

export interface TruncationPolicy {
  /** `head-tail`: first and last half of `maxChars` joined by `marker`; `head`: the first `maxChars`, then `marker`. */
  readonly kind: 'none' | 'head-tail' | 'head';
  readonly maxChars: number | null;
  readonly marker: string | null;
}

export interface ExecutionPolicy {
  readonly state: ExecutionState;
  readonly output: OutputStyle;
  /** Programs a problem may run; null for no budget (the loop's round limit still applies). */
  readonly maxExecutions: number | null;
  /**
   * Once the budget is spent: `stop` ends the problem after the last output (Qwen appends its notice and stops);
   * `continue` lets the model go on without code, and a program written after that is not run (NeMo-Skills).
   */
  readonly afterBudget: 'stop' | 'continue' | null;
  readonly truncation: TruncationPolicy;
  /** The wall-clock limit of one program, unless the caller sets another; null: the sandbox's own (10 s by default). */
  readonly timeoutMs: number | null;
  /** Qwen2.5-Math runs a program only when the generation that wrote it has no "boxed" in it. */
  readonly skipCodeAfterBoxed: boolean;
}

/** What the README table and the run manifest say of a dialect. */
export interface DialectDescription {
  readonly name: string;
  readonly title: string;
  /** Where the prompt, stops and execution rules were read (repository and path). */
  readonly sources: readonly string[];
  readonly stops: readonly string[];
  readonly execution: ExecutionPolicy;
}

export const NO_TRUNCATION: TruncationPolicy = Object.freeze({ kind: 'none', maxChars: null, marker: null });

/** ToRA's and Qwen2.5-Math's `truncate(s, 400)`: first 200 + "..." + last 200 characters past 400. */
export const HEAD_TAIL_400: TruncationPolicy = Object.freeze({ kind: 'head-tail', maxChars: 400, marker: '...' });

/** Cuts text as the policy says (per part: callers apply it to each part the source cuts separately). */
export function truncateText(text: string, policy: TruncationPolicy): string {
  if (policy.maxChars === null || text.length <= policy.maxChars) return text;
  if (policy.kind === 'head') return text.slice(0, policy.maxChars) + (policy.marker ?? '');
  if (policy.kind === 'head-tail') {
    const half = Math.floor(policy.maxChars / 2);
    return text.slice(0, half) + (policy.marker ?? '') + text.slice(text.length - half);
  }
  return text;
}

/** A short line describing a truncation policy (README, manifest). */
export function describeTruncation(policy: TruncationPolicy): string {
  if (policy.kind === 'head-tail') return `first and last ${policy.maxChars! / 2} characters past ${policy.maxChars}, joined by ${JSON.stringify(policy.marker)}`;
  if (policy.kind === 'head') return `first ${policy.maxChars} characters, then ${JSON.stringify(policy.marker)}`;
  return 'none (the sandbox keeps the first and last 8,000 characters past 16,000)';
}

const ZERO_WIDTH_SPACE = '\u200b';

/**
 * Breaks every match of `pattern` (a dialect's control-token text) with a zero-width space, after `<|` for
 * `<|name|>` tokens and after the first character otherwise, so that text a program prints (or a question
 * holds) is never re-tokenized as a control token by llama.cpp or vLLM, nor read as the dialect's own markup.
 */
export function neutraliseControlText(text: string, pattern: RegExp): string {
  return text.replace(new RegExp(pattern.source, 'g'), (match) => {
    const at = match.startsWith('<|') ? 2 : 1;
    return match.slice(0, at) + ZERO_WIDTH_SPACE + match.slice(at);
  });
}

/** `<|name|>` control tokens (ChatML's `<|im_start|>`, harmony's `<|call|>`, Qwen's `<|fim_prefix|>`, …). */
export const PIPE_TOKEN_PATTERN = /<\|[A-Za-z0-9_]+\|>/;
