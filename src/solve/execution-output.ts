import { truncateText, type ExecutionPolicy } from '../format/index.js';
import { executionText, pythonStrip } from '../sandbox/execution-text.js';
import type { CellResult, RunOptions, SandboxSession } from '../sandbox/types.js';

/**
 * A program run as a dialect's own runner runs it, and its output written as that runner writes it (the styles of
 * src/format/dialect.ts). Some runners evaluate the program's last line on its own (Qwen2.5-Math's `auto_mode`,
 * ReTool's fallback when nothing was printed): that is a second cell in the same session.
 */
export interface ProgramOutput {
  /** What the model reads, before control-token text is neutralised. */
  readonly text: string;
  /** The cell that ran the program (the first, when the runner used more than one). */
  readonly result: CellResult;
  readonly durationMs: number;
}

type Run = (code: string) => Promise<CellResult>;

const failed = (result: CellResult) => result.status !== 'ok';
const timedOut = (result: CellResult) => result.status === 'timeout' || result.status === 'killed';
const stdoutOf = (result: CellResult) =>
  result.streams
    .filter((chunk) => chunk.name === 'stdout')
    .map((chunk) => chunk.text)
    .join('');
const stderrOf = (result: CellResult) =>
  result.streams
    .filter((chunk) => chunk.name === 'stderr')
    .map((chunk) => chunk.text)
    .join('');

/** `traceback.format_exc().split('\n')[-2]`: the last line of the traceback (`NameError: name 'x' is not defined`). */
function lastTracebackLine(result: CellResult): string {
  if (timedOut(result)) return 'Timeout Error';
  const lines = (result.error?.traceback ?? []).join('\n').split('\n').filter((line) => line.trim() !== '');
  return lines.at(-1) ?? (result.error ? `${result.error.name}: ${result.error.value}` : 'Error');
}

/**
 * A cell that writes `str(eval(line))` of the program's last line, evaluated in the session's globals with its own
 * prints discarded, as `runtime.eval_code(code[-1])` does in Qwen's and ReTool's executors.
 */
function lastLineValueCell(line: string): string {
  return [
    'def __mathcoder_last_value(source):',
    '    import builtins, contextlib, io',
    '    with contextlib.redirect_stdout(io.StringIO()):',
    '        value = builtins.eval(source, globals())',
    '    return builtins.str(value)',
    'try:',
    `    __import__('builtins').print(__mathcoder_last_value(${JSON.stringify(line)}), end='')`,
    'finally:',
    '    del __mathcoder_last_value',
  ].join('\n');
}

/** Qwen2.5-Math `evaluation/python_executor.py` with `auto_mode=True`, then `batch_apply`'s strip and truncate. */
async function qwenOutput(run: Run, program: string, policy: ExecutionPolicy): Promise<ProgramOutput> {
  const lines = pythonStrip(program).split('\n');
  const last = lines.at(-1) ?? '';
  let result: CellResult;
  let value = '';
  let report = 'Done';
  let durationMs = 0;
  if (last.includes('print(')) {
    result = await run(lines.join('\n'));
    durationMs += result.durationMs;
    if (failed(result)) report = lastTracebackLine(result);
    else value = stdoutOf(result);
  } else {
    result = await run(lines.slice(0, -1).join('\n'));
    durationMs += result.durationMs;
    if (failed(result)) report = lastTracebackLine(result);
    else {
      const evaluated = await run(lastLineValueCell(last));
      durationMs += evaluated.durationMs;
      if (failed(evaluated)) report = lastTracebackLine(evaluated);
      else value = stdoutOf(evaluated);
    }
  }
  const res = truncateText(pythonStrip(value), policy.truncation);
  return { text: res !== '' ? res : truncateText(report, policy.truncation), result, durationMs };
}

/** ReTool `evaluation/executor.py`: stdout; when empty, `code[:-1]` again and the last line's value; `Done` or the error. */
async function retoolOutput(run: Run, program: string, policy: ExecutionPolicy): Promise<ProgramOutput> {
  const lines = program.split('\n');
  const result = await run(program);
  let durationMs = result.durationMs;
  let value = '';
  let report = 'Done';
  if (failed(result)) report = lastTracebackLine(result);
  else {
    value = stdoutOf(result);
    if (value === '') {
      const again = await run(lines.slice(0, -1).join('\n'));
      durationMs += again.durationMs;
      if (failed(again)) report = lastTracebackLine(again);
      else {
        const evaluated = await run(lastLineValueCell(lines.at(-1) ?? ''));
        durationMs += evaluated.durationMs;
        if (failed(evaluated)) report = lastTracebackLine(evaluated);
        else value = stdoutOf(evaluated);
      }
    }
  }
  // eval.py: `excu_content = output if report == "Done" else report`, after strip and truncate(s, 400).
  const text = report === 'Done' ? truncateText(pythonStrip(value), policy.truncation) : truncateText(pythonStrip(report), policy.truncation);
  return { text, result, durationMs };
}

/** Python's `str()` of a float number of seconds (`10.0`). */
function pythonSeconds(ms: number): string {
  const seconds = ms / 1000;
  return Number.isInteger(seconds) ? `${seconds}.0` : String(seconds);
}

/** NeMo-Skills local_sandbox_server.py `postprocess_output` (Plain traceback verbosity). */
function nemoPostprocess(text: string): string {
  const lines = text
    .replace(/\x1B(?:[@-Z\-_]|\[[0-?]*[ -/]*[@-~])/g, '')
    .split('\n')
    .filter((line) => !line.trim().startsWith('File <ipython-'))
    .map((line) => line.replace(/^Out\[\d+\]:\s*/, ''));
  while (lines.length > 0 && lines[0] === '') lines.shift();
  const output = lines.join('\n').trimEnd();
  return output === '' ? '' : `${output}\n`;
}

/**
 * IPython's Plain traceback layout (NeMo-Skills' `sandbox_traceback_verbosity = "plain"`) from the sandbox's
 * Context layout: the header line, then each frame's location and failing line, then the exception. Syntax errors
 * are laid out the same in both.
 */
function plainTraceback(traceback: readonly string[]): string {
  if (traceback.length < 3 || !traceback[1]!.includes('Traceback (most recent call last)')) return traceback.join('\n');
  const frames = traceback.slice(2, -1).map((frame) => {
    const lines = frame.split('\n');
    const [location = '', name] = lines[0]!.trim().split(/, in (?=[^,]*$)/);
    const failing = lines.find((line) => /^-+>\s*\d+/.test(line));
    const source = failing?.replace(/^-+>\s*\d+\s?/, '').trim();
    const caller = name === undefined ? '' : ` in ${name.replace(/\(.*$/, '')}`;
    return `  ${location}${caller}${source ? `\n    ${source}` : ''}`;
  });
  return ['Traceback (most recent call last):', ...frames, traceback.at(-1)!].join('\n');
}

/**
 * NeMo-Skills' IPython sandbox: a TerminalInteractiveShell writes prints, `Out[n]:` displays and tracebacks to its
 * stdout; each of stdout and stderr is post-processed and cut at `max_code_output_characters` with "<output cut>";
 * the `qwen` output format writes stdout then stderr.
 */
function nemoOutput(result: CellResult, policy: ExecutionPolicy, timeoutMs: number): string {
  const timeoutLine = `Execution timed out after ${pythonSeconds(timeoutMs)} seconds\n`;
  let stdout: string;
  let stderr: string;
  if (result.status === 'killed') {
    stdout = '';
    stderr = timeoutLine;
  } else {
    stdout = stdoutOf(result) + result.displays.map((display) => `${display}\n`).join('');
    if (result.result !== null) stdout += result.result.includes('\n') ? `\n${result.result}\n` : `${result.result}\n`;
    if (result.status === 'error' && result.error) stdout += `${plainTraceback(result.error.traceback)}\n`;
    stderr = stderrOf(result) + (result.status === 'timeout' ? timeoutLine : '');
  }
  return truncateText(nemoPostprocess(stdout), policy.truncation) + truncateText(nemoPostprocess(stderr), policy.truncation);
}

const HARMONY_NO_OUTPUT = '[WARN] No output available. Use print() to output anything to stdout to receive the output';
const HARMONY_TIMEOUT = '[ERROR] Timed out waiting for Jupyter kernel output.';

/**
 * gpt-oss `gpt_oss/tools/python_docker/docker_tool.py` `LocalJupyterSession.execute`: printed output and results
 * (each ending in a newline), then stderr and the traceback, the `[WARN]` line when nothing was shown. (The
 * reference appends the traceback of both the iopub error and the execute reply; it is written once here.)
 */
function harmonyOutput(result: CellResult): string {
  if (timedOut(result)) return HARMONY_TIMEOUT;
  const withNewline = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);
  let stdout = stdoutOf(result) + result.displays.filter((text) => text !== '').map(withNewline).join('');
  if (result.result) stdout += withNewline(result.result);
  const stderr = stderrOf(result) + (result.error ? result.error.traceback.join('\n') : '');
  if (stderr !== '') stdout = stdout !== '' ? `${stdout.trimEnd()}\n${stderr}` : stderr;
  return stdout.trim() === '' ? HARMONY_NO_OUTPUT : stdout;
}

/** Runs a program in `session` and writes its output in the policy's style. */
export async function runProgram(session: SandboxSession, program: string, policy: ExecutionPolicy, options: RunOptions): Promise<ProgramOutput> {
  const run: Run = (code) => session.run(code, options);
  if (policy.output === 'qwen') return qwenOutput(run, program, policy);
  if (policy.output === 'retool') return retoolOutput(run, program, policy);
  const result = await run(program);
  const text =
    policy.output === 'nemo'
      ? nemoOutput(result, policy, options.timeoutMs ?? policy.timeoutMs ?? 10_000)
      : policy.output === 'harmony'
        ? harmonyOutput(result)
        : executionText(result, { style: policy.output });
  return { text, result, durationMs: result.durationMs };
}
