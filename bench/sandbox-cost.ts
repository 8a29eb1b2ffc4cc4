/**
 * bench/sandbox-cost: what re-executing the published cells costs in CPU, against floors measured in the same run.
 * - the bare floor: the same cells in one plain python3 process (a namespace per trajectory, output captured);
 * - the fork floor: a warm interpreter (IPython, sympy, numpy imported) forking a child that exits at once, times
 *   the number of sessions: what any process-per-session design pays before its first cell;
 * - the session floors: a zygote set up as the sandbox's own (bench/python/session_floor.py) forking one child per
 *   trajectory, one at a time, that runs the cells and exits, with no isolation, channel or Node: through exec()
 *   (the least any fresh-process-per-session design can pay on this machine) and through IPython's run_cell (the
 *   least this sandbox's sessions can pay). What replay costs above the IPython floor is the sandbox's own
 *   overhead (isolation, channel, zygote loop, Node);
 * - `mathcoder replay` of the same files: a fresh isolated session per trajectory, every cell compared with the
 *   published execution (its match rate is printed too).
 * CPU is counted for whole process trees with a cgroup (see cpu-of-command.ts).
 * Run: node --import tsx bench/sandbox-cost.ts [--limit N] [FILE...] (default: the three MathCoder-CL-7B files)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { discoverPython, sandboxEnvironment } from '../src/sandbox/python-discovery.js';
import { loadReplayRows } from '../src/replay/replay.js';
import { WORKER_SCRIPT } from '../src/sandbox/python-sandbox.js';
import { cpuOfCommand } from './cpu-of-command.js';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const SHARED = process.env.MATHCODER_SHARED ?? resolve(ROOT, '..', 'shared');
const DEFAULT_FILES = ['svamp', 'mathematics', 'simuleq'].map((name) => join(SHARED, 'trajectories', 'mathcoder-cl-7b', `${name}.jsonl`));

export interface SandboxCost {
  readonly sessions: number;
  readonly cells: number;
  readonly floorSeconds: number;
  readonly forkSecondsPerSession: number;
  readonly execFloorSeconds: number;
  readonly ipythonFloorSeconds: number;
  readonly replaySeconds: number;
  readonly matched: number;
  readonly method: string;
}

export function measureSandboxCost(files: readonly string[] = DEFAULT_FILES, limit = 0): SandboxCost {
  const python = discoverPython({ path: process.env.PATH ?? '' }).executable;
  const env = { ...sandboxEnvironment('/tmp'), HOME: '/tmp' };
  // The floors run exactly the cells `mathcoder replay` re-runs (its own reading of the files), one list a session.
  const work = mkdtempSync(join(tmpdir(), 'mathcoder-bench-cost-'));
  try {
    const cellsFile = join(work, 'cells.json');
    const rows = files.flatMap((file) => (limit ? loadReplayRows(file).slice(0, limit) : loadReplayRows(file)));
    writeFileSync(cellsFile, JSON.stringify(rows.map((row) => row.cells.map((cell) => cell.code))));
    const floorRun = cpuOfCommand(python, [join(ROOT, 'bench', 'python', 'bare_floor.py'), cellsFile], env);
    if (floorRun.status !== 0) throw new Error(`the bare floor failed: ${floorRun.stderr}`);
    const forkRun = cpuOfCommand(python, [join(ROOT, 'bench', 'python', 'fork_floor.py'), '200'], env);
    const fork = JSON.parse(forkRun.stdout.trim().split('\n').pop()!) as { cpuSecondsPerFork: number };
    const sessionFloor = (mode: 'exec' | 'ipython'): number => {
      const run = cpuOfCommand(python, [join(ROOT, 'bench', 'python', 'session_floor.py'), dirname(WORKER_SCRIPT), mode, cellsFile], env);
      if (run.status !== 0) throw new Error(`the ${mode} session floor failed: ${run.stderr}`);
      return (JSON.parse(run.stdout.trim().split('\n').pop()!) as { cpuSeconds: number }).cpuSeconds;
    };
    const execFloorSeconds = sessionFloor('exec');
    const ipythonFloorSeconds = sessionFloor('ipython');
    const cli = join(ROOT, 'dist', 'cli', 'main.js');
    const replay = cpuOfCommand(process.execPath, [cli, 'replay', '--json', '--concurrency', '2', ...(limit ? ['--limit', String(limit)] : []), ...files]);
    if (replay.status !== 0) throw new Error(`mathcoder replay failed (build dist/ first: npm run build): ${replay.stderr.trim().split('\n').pop()}`);
    const reports = replay.stdout.trim().split('\n').map((line) => JSON.parse(line) as { rows: number; cells: number; matched: number });
    const cells = reports.reduce((sum, report) => sum + report.cells, 0);
    return {
      sessions: reports.reduce((sum, report) => sum + report.rows, 0),
      cells,
      floorSeconds: floorRun.cpuSeconds,
      forkSecondsPerSession: fork.cpuSecondsPerFork,
      execFloorSeconds,
      ipythonFloorSeconds,
      replaySeconds: replay.cpuSeconds,
      matched: reports.reduce((sum, report) => sum + report.matched, 0) / cells,
      method: replay.method,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function printSandboxCost(cost: SandboxCost): void {
  const ms = (seconds: number) => `${(seconds * 1000).toFixed(1)} ms`;
  const forkTotal = cost.forkSecondsPerSession * cost.sessions;
  console.log(`\nCPU to re-execute ${cost.cells.toLocaleString('en')} published cells in ${cost.sessions.toLocaleString('en')} sessions (${cost.method})`);
  const row = (name: string, seconds: number): [string, string, string, string] => [name, `${seconds.toFixed(1)} s`, ms(seconds / cost.sessions), `${(seconds / cost.floorSeconds).toFixed(1)}x`];
  const rows: Array<[string, string, string, string]> = [
    row('bare floor: one python3 process', cost.floorSeconds),
    row('fork floor: a fork + exit of a warm interpreter per session', forkTotal),
    row('session floor: a fork per session, cells through exec()', cost.execFloorSeconds),
    row("session floor: a fork per session, cells through IPython's run_cell", cost.ipythonFloorSeconds),
    row('mathcoder replay (isolated sessions)', cost.replaySeconds),
  ];
  const width = Math.max(...rows.map((row) => row[0].length));
  console.log(`${''.padEnd(width)}  ${'CPU'.padStart(8)}  ${'per session'.padStart(11)}  vs floor`);
  for (const [name, total, each, ratio] of rows) console.log(`${name.padEnd(width)}  ${total.padStart(8)}  ${each.padStart(11)}  ${ratio}`);
  console.log(`executions matching the published ones: ${(100 * cost.matched).toFixed(2)}%`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const args = process.argv.slice(2);
  const limitAt = args.indexOf('--limit');
  const limit = limitAt >= 0 ? Number(args.splice(limitAt, 2)[1]) : 0;
  printSandboxCost(measureSandboxCost(args.length ? args : DEFAULT_FILES, limit));
}
