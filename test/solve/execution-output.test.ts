import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getSyntax, type SyntaxName } from '../../src/format/index.js';
import { PythonSandbox } from '../../src/sandbox/python-sandbox.js';
import { CodeRunner } from '../../src/solve/code-runner.js';

/**
 * Each dialect's runner writes a program's output as its source's runner does (the rules the recorded transcripts
 * do not reach: time limits, errors, multi-line displays), through this project's sandbox.
 */
let sandbox: PythonSandbox;

beforeAll(async () => {
  sandbox = await PythonSandbox.start({ pathVariable: process.env.PATH, poolSize: 2 });
});

afterAll(async () => {
  await sandbox?.close();
});

/** Runs programs one after another in a dialect's runner; returns what the model reads for each. */
async function outputs(name: SyntaxName, programs: readonly string[], cellTimeoutMs?: number): Promise<string[]> {
  const syntax = getSyntax(name);
  const runner = new CodeRunner(sandbox, syntax.execution, syntax.escape, cellTimeoutMs);
  try {
    const texts: string[] = [];
    for (const program of programs) texts.push((await runner.run(program, Infinity)).output);
    return texts;
  } finally {
    await runner.close();
  }
}

const SLEEP = 'import time\nprint("started")\ntime.sleep(30)';

describe("a dialect's runner output", () => {
  it("Qwen2.5-Math: the last line's value, the traceback's last line, 'Done', 'Timeout Error'", { timeout: 60_000 }, async () => {
    expect(await outputs('qwen', ['x = 3\nx * 2', 'x = 5', 'y = 1\nprint(y)\nundefined_name', 'print("")', 'items = [1, 2]\nitems.append(3)', SLEEP], 1500)).toEqual([
      '6',
      'SyntaxError: invalid syntax',
      "NameError: name 'undefined_name' is not defined",
      'Done',
      'None',
      'Timeout Error',
    ]);
  });

  it('NeMo-Skills: displays as the terminal shell prints them, stderr after stdout, the time limit message', { timeout: 60_000 }, async () => {
    const [display, streams, timeout] = await outputs('openmath', ['import numpy as np\nprint("m:")\nnp.eye(2)', 'import sys\nprint("err", file=sys.stderr)\nprint("out")', SLEEP], 1500);
    expect(display).toBe('m:\n\narray([[1., 0.],\n       [0., 1.]])\n');
    expect(streams).toBe('out\nerr\n');
    expect(timeout).toBe('started\nExecution timed out after 1.5 seconds\n');
    // Tracebacks in IPython's Plain layout (NeMo-Skills' default verbosity).
    expect(await outputs('openmath', ['print(1)\ndef f():\n    return 1/0\nf()'])).toEqual([
      '1\nTraceback (most recent call last):\n  Cell In[1], line 4\n    f()\n  Cell In[1], line 3 in f\n    return 1/0\nZeroDivisionError: division by zero\n',
    ]);
  });

  it("gpt-oss's Jupyter tool: results and prints, the traceback after them, the [WARN] and [ERROR] lines", { timeout: 60_000 }, async () => {
    const [withError = '', silent, timeout] = await outputs('harmony', ['print("a")\n1/0', 'z = 1', SLEEP], 1500);
    expect(withError.startsWith('a\n')).toBe(true);
    expect(withError).toContain('ZeroDivisionError: division by zero');
    expect(withError.split('ZeroDivisionError: division by zero').length).toBe(2);
    expect(silent).toBe('[WARN] No output available. Use print() to output anything to stdout to receive the output');
    expect(timeout).toBe('[ERROR] Timed out waiting for Jupyter kernel output.');
  });

  it('ReTool: a fresh runtime per program, the value of the last line when nothing is printed', { timeout: 60_000 }, async () => {
    expect(await outputs('retool', ['a = 2\na * 21', 'print(a)', 'print("")'])).toEqual(['42', "NameError: name 'a' is not defined", '']);
  });

  it('the stateful dialects keep variables between programs; MathCoder writes what its Jupyter client wrote', { timeout: 60_000 }, async () => {
    expect(await outputs('hermes', ['k = 4', 'k ** 2', 'print("<|im_end|>")'])).toEqual(['<empty_execution>', '16', '<|\u200bim_end|>']);
    expect(await outputs('mathcoder', ['k = 4\nprint(k)\nk + 1'])).toEqual(['4\n5']);
  });
});
