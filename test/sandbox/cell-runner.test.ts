import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadReplayRows } from '../../src/replay/replay.js';
import { discoverPython, sandboxEnvironment } from '../../src/sandbox/python-discovery.js';
import { WORKER_SCRIPT } from '../../src/sandbox/python-sandbox.js';
import { sharedPath } from '../helpers/shared.js';
import { scaled } from '../helpers/test-scale.js';

// A session runs most cells without IPython's input transformers and AST objects (cell_runner.py), which saves the
// copy-on-write faults of a forked session. Each cell here runs both ways, each in a forked copy of one warm shell,
// and every outcome (printed output, last value, displays, error and traceback, execution count) must be the same.
const CHECKER = join(dirname(new URL(import.meta.url).pathname), 'python', 'cell_runner_equivalence.py');
const work = mkdtempSync(join(tmpdir(), 'mc-cell-runner-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Report {
  cells: number;
  fast: boolean[];
  differences: Array<{ code: string; run_cell: unknown; runner: unknown }>;
}

function check(sessions: string[][]): Report {
  const cases = join(work, `cases-${Date.now()}.json`);
  writeFileSync(cases, JSON.stringify(sessions));
  const python = discoverPython({ path: process.env.PATH ?? '' }).executable;
  const run = spawnSync(python, [CHECKER, dirname(WORKER_SCRIPT), cases], { encoding: 'utf8', env: { ...sandboxEnvironment(work), HOME: work }, cwd: work, maxBuffer: 1 << 28 });
  if (run.status !== 0) throw new Error(`the equivalence check failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as Report;
}

// Cells a session runs the fast way: plain Python, whatever it ends with.
const PLAIN = [
  'x = 3\nx * 2',
  'x',
  'print(x)\nx + 1  # a comment after the last value',
  'y = (1 +\n     2)\ny',
  'z = 1 + \\\n    2\nz',
  'total = x + \\\ny\ntotal',
  'x + \\\ny',
  'a = 1 + \\\n2',
  'b = 5\n\n\nb\n\n# done\n',
  '# only a comment',
  'def f(n):\n    return 1 / n\n\n\nf(0)',
  'f(2)\n\n\n',
  's = """\nline\n"""\ns',
  '"""a string as the last statement"""',
  'None',
  'for i in range(2):\n    i',
  'if x:\n    pass\nelse:\n    pass',
  'undefined_name',
  'import sympy as sp\nsp.symbols("a b")',
  'sp.Matrix([[1, 2], [3, 4]])',
  'sp.solve([sp.Symbol("u") + sp.Symbol("v") - 3, sp.Symbol("u") - sp.Symbol("v") - 1])',
  'list(range(40))',
  '{"k": [1, 2], "j": (3,)}',
  'x = 7\r\nx * 3\r\n',
  '[Out[1], _, In[1]]',
  'x != 3',
  'q = 5 % 3\nq',
  'with open("file.txt", "w") as handle:\n    handle.write("ab")',
  'import math\ndef g(v):\n    return math.sqrt(v)\n\n\ng(-1)',
  'raise SystemExit(3)',
  '1 / 3',
];
// Cells that need IPython's own handling (its syntax, its own message for code that does not compile) and go
// through run_cell.
const IPYTHON_ONLY = [
  'x = 5;',
  'x;',
  '%precision 3',
  '1 / 3',
  '!echo hi',
  '  indented = 1\n  indented',
  '\nx',
  'return 5',
  'x = (',
  'from __future__ import annotations\nx = 1',
  'get_ipython().execution_count',
  'print("hi!")',
  'x = 1\rx',
];

describe('the cell runner', () => {
  it('gives exactly what IPython run_cell gives, for plain cells (the fast way) and for cells that need IPython', () => {
    const report = check([PLAIN, IPYTHON_ONLY, [...PLAIN.slice(0, 4), ...IPYTHON_ONLY.slice(0, 6), ...PLAIN.slice(4)]]);
    expect(report.differences).toEqual([]);
    expect(report.cells).toBe(2 * PLAIN.length + IPYTHON_ONLY.length + 6);
    // The first session: every plain cell went the fast way; the second: none of the others did ('1 / 3' after
    // %precision is plain Python, and goes the fast way with IPython's changed float format).
    expect(report.fast.slice(0, PLAIN.length)).toEqual(PLAIN.map(() => true));
    expect(report.fast.slice(PLAIN.length, PLAIN.length + IPYTHON_ONLY.length)).toEqual(IPYTHON_ONLY.map((code) => code === '1 / 3'));
  });

  it('gives what run_cell gives on the published MathCoder-CL-7B cells', () => {
    // The cells `mathcoder replay` re-runs, by its own reading of the files.
    const rows = ['svamp', 'mathematics', 'simuleq'].flatMap((name) => loadReplayRows(sharedPath('trajectories', 'mathcoder-cl-7b', `${name}.jsonl`)).slice(0, scaled(15, Infinity)));
    const report = check(rows.map((row) => row.cells.map((cell) => cell.code)));
    expect(report.differences).toEqual([]);
    expect(report.fast.filter(Boolean).length).toBeGreaterThan(0.95 * report.cells);
  });
});

describe('the plain text of a last value', () => {
  it("is IPython's printer's text wherever PlainText gives one (numbers, strings, sympy objects, small containers), and left to IPython elsewhere", () => {
    const python = discoverPython({ path: process.env.PATH ?? '' }).executable;
    const run = spawnSync(python, [join(dirname(CHECKER), 'plain_text_equivalence.py'), dirname(WORKER_SCRIPT)], { encoding: 'utf8', env: { ...sandboxEnvironment(work), HOME: work }, cwd: work });
    if (run.status !== 0) throw new Error(`the plain-text check failed: ${run.stderr}`);
    const report = JSON.parse(run.stdout.trim().split('\n').pop()!) as { values: number; shortcut: number; differences: unknown[] };
    expect(report.differences).toEqual([]);
    // Sets (sorted by IPython), deferred types, functions, _repr_pretty_, cycles and wide containers are IPython's.
    expect(report.shortcut).toBeGreaterThan(report.values / 2);
    expect(report.shortcut).toBeLessThan(report.values);
  });
});
