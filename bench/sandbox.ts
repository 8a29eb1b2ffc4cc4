/**
 * bench/sandbox: the sandbox against the two executors MathCoder and ToRA use, measured in the same run.
 * - session ready: a session from the warm pool, a session forked on demand, and a cold `python3` that
 *   imports IPython, sympy and numpy (what a fresh process must do before it can run the first cell);
 * - a trivial cell's round trip: this sandbox, a Jupyter kernel through jupyter_client (MathCoder), and a
 *   fresh python3 process per cell (ToRA's way);
 * - the first sympy-heavy cell of a new session: this sandbox vs a fresh Jupyter kernel;
 * - cost: the CPU of re-executing the published MathCoder-CL-7B cells against the bare-process and fork floors
 *   (bench/sandbox-cost.ts; `--cost-limit N` takes the first N rows of each file, `--no-cost` skips it).
 * Run: node --import tsx bench/sandbox.ts [--rounds N] [--cost-limit N | --no-cost]
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PythonSandbox } from '../src/sandbox/python-sandbox.js';
import { sandboxEnvironment } from '../src/sandbox/python-discovery.js';
import { measureSandboxCost, printSandboxCost } from './sandbox-cost.js';
import { median } from './median.js';

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 30;
const SYMPY_CELL = "from sympy import symbols, solve, Eq\nx, y = symbols('x y')\nsolve([Eq(x + y, 10), Eq(x - y, 2)], [x, y])";

async function time<T>(action: () => Promise<T>): Promise<[number, T]> {
  const started = performance.now();
  const value = await action();
  return [performance.now() - started, value];
}

const sandbox = await PythonSandbox.start({ pathVariable: process.env.PATH, poolSize: 4 });
const python = sandbox.info.python.executable;
console.log(`python ${python} ${sandbox.info.python.python}, sympy ${sandbox.info.python.sympy}, numpy ${sandbox.info.python.numpy}, IPython ${sandbox.info.python.ipython}; isolation ${sandbox.info.isolation.method}`);
console.log(`medians over ${rounds} rounds\n`);

// Session ready (session created and its first trivial cell answered).
const warm: number[] = [];
const warmFirstSympy: number[] = [];
for (let i = 0; i < rounds; i += 1) {
  await new Promise((resolve) => setTimeout(resolve, 30)); // let the pool refill, as it does between problems
  const [ms, session] = await time(async () => {
    const created = await sandbox.createSession();
    await created.run('1');
    return created;
  });
  warm.push(ms);
  warmFirstSympy.push((await time(() => session.run(SYMPY_CELL)))[0]);
  await session.close();
}
const onDemand: number[] = [];
const unpooled = await PythonSandbox.start({ pathVariable: process.env.PATH, poolSize: 0 });
for (let i = 0; i < rounds; i += 1) {
  const [ms, session] = await time(async () => {
    const created = await unpooled.createSession();
    await created.run('1');
    return created;
  });
  onDemand.push(ms);
  await session.close();
}
await unpooled.close();
/** Wall time of a fresh python3 running `code` (a process per sample, as ToRA runs each program). */
function freshProcessTimes(code: string): number[] {
  return Array.from({ length: Math.min(rounds, 10) }, () => {
    const started = performance.now();
    spawnSync(python, ['-c', code], { env: sandboxEnvironment('/tmp') });
    return performance.now() - started;
  });
}
const cold = freshProcessTimes('import IPython, sympy, numpy');

// Trivial cell round trip.
const session = await sandbox.createSession();
const trivial: number[] = [];
for (let i = 0; i < rounds * 10; i += 1) trivial.push((await time(() => session.run('1 + 1')))[0]);
await session.close();
const perProcess = freshProcessTimes('print(1 + 1)');
await sandbox.close();

// A real Jupyter kernel through jupyter_client.
const script = fileURLToPath(new URL('./python/jupyter_kernel_timing.py', import.meta.url));
const kernels = Math.min(5, rounds);
const jupyterRun = spawnSync(python, [script, SYMPY_CELL, String(rounds * 2), String(kernels)], { encoding: 'utf8', env: { ...sandboxEnvironment('/tmp'), HOME: process.env.HOME ?? '/tmp' } });
const jupyter = jupyterRun.status === 0 ? (JSON.parse(jupyterRun.stdout.trim().split('\n').pop()!) as { startMs: number; firstSympyMs: number; trivialMs: number }) : null;
if (!jupyter) console.log(`(no Jupyter kernel: ${jupyterRun.stderr.trim().split('\n').pop()}; install python3-ipykernel python3-jupyter-client)\n`);

const fmt = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(1)} ms`);
const ratio = (baseline: number, ours: number) => `${(baseline / ours).toFixed(1)}x`;
const rows: Array<[string, string, string]> = [
  ['session ready: warm pool', fmt(median(warm)), `${ratio(median(cold), median(warm))} faster than a cold process`],
  ['session ready: forked on demand', fmt(median(onDemand)), `${ratio(median(cold), median(onDemand))} faster than a cold process`],
  ['session ready: cold python3 importing IPython, sympy, numpy', fmt(median(cold)), 'baseline'],
];
if (jupyter) rows.push(['session ready: Jupyter kernel start', fmt(jupyter.startMs), `${ratio(jupyter.startMs, median(warm))} slower than the warm pool`]);
rows.push(['trivial cell: this sandbox', fmt(median(trivial)), jupyter ? `${ratio(jupyter.trivialMs, median(trivial))} faster than Jupyter` : '']);
if (jupyter) rows.push(['trivial cell: Jupyter kernel (jupyter_client)', fmt(jupyter.trivialMs), 'baseline']);
rows.push(['trivial cell: fresh python3 per cell (ToRA)', fmt(median(perProcess)), `${ratio(median(perProcess), median(trivial))} slower than this sandbox`]);
rows.push(['first sympy cell of a new session: this sandbox', fmt(median(warmFirstSympy)), jupyter ? `${ratio(jupyter.firstSympyMs, median(warmFirstSympy))} faster than Jupyter` : '']);
if (jupyter) rows.push(['first sympy cell of a new session: Jupyter kernel', fmt(jupyter.firstSympyMs), 'baseline']);
const width = Math.max(...rows.map((row) => row[0].length));
for (const [name, value, note] of rows) console.log(`${name.padEnd(width)}  ${value.padStart(10)}  ${note}`);

if (!process.argv.includes('--no-cost')) {
  const limitAt = process.argv.indexOf('--cost-limit');
  printSandboxCost(measureSandboxCost(undefined, limitAt >= 0 ? Number(process.argv[limitAt + 1]) : 0));
}
