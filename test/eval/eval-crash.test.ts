import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRun } from '../../src/eval/run-files.js';
import { runCli } from '../helpers/cli.js';
import { REPO_ROOT, sharedPath } from '../helpers/shared.js';
import { scaled } from '../helpers/test-scale.js';

/**
 * `npm test`: 40 problems, 3 kills; `npm run test:full`: 500 problems, 20 kills. Each run is killed 1-3 rows (and
 * what one 10 ms poll lets through) after it starts writing, so the kills leave most of the set undone however
 * fast the machine.
 */
const PROBLEMS = scaled(40, 500);
const KILLS = scaled(3, 20);
const args = (out: string) => [
  'eval',
  '--backend', 'replay',
  '--trajectories', sharedPath('trajectories', 'mathcoder-cl-7b', 'svamp.jsonl'),
  '--data-dir', sharedPath('data'),
  '--limit', String(PROBLEMS),
  '--concurrency', '4',
  '--out', out,
];

/**
 * Starts an eval and SIGKILLs it as soon as it has written `newRows` more rows: it has passed its start-up and is
 * in the middle of its work, with other problems in flight. The kill waits for rows, not for time, so it lands
 * mid-run on a machine of any speed; where in a row's work it lands is left to the poll. Resolves with whether
 * the run had finished by itself first.
 */
function runAndKill(out: string, newRows: number): Promise<{ finished: boolean }> {
  const before = lines(out);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'dist', 'cli', 'main.js'), ...args(out)], { stdio: 'ignore' });
    const poll = setInterval(() => {
      if (lines(out) >= before + newRows) {
        clearInterval(poll);
        child.kill('SIGKILL');
      }
    }, 10);
    child.on('exit', (code, signal) => {
      clearInterval(poll);
      resolve({ finished: signal === null && code === 0 });
    });
  });
}

function lines(out: string): number {
  const path = join(out, 'results.jsonl');
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter((line) => line.trim() !== '').length : 0;
}

const folder = mkdtempSync(join(tmpdir(), 'mc-crash-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('an evaluation killed at random points', () => {
  it(`resumes after ${KILLS} SIGKILLs to the same results as a run never interrupted, every problem exactly once`, async () => {
    const calm = join(folder, 'uninterrupted');
    const baseline = await runCli(args(calm));
    expect(baseline.code, baseline.stderr).toBe(0);

    const killed = join(folder, 'killed');
    let kills = 0;
    const progress: number[] = [];
    let random = 20_251_125;
    const next = () => ((random = (random * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    for (;;) {
      const { finished } = await runAndKill(killed, 1 + Math.floor(next() * 3));
      progress.push(lines(killed));
      if (finished) break;
      kills += 1;
      if (kills >= KILLS) break;
    }
    expect(kills).toBe(KILLS);
    // Every kill landed after the run had written rows: each left the file a little longer.
    expect(new Set(progress).size).toBe(KILLS);
    expect(progress.at(-1)!).toBeLessThan(PROBLEMS);
    const resumed = await runCli(args(killed));
    expect(resumed.code, resumed.stderr).toBe(0);

    const raw = readFileSync(join(killed, 'results.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { key: string });
    const keys = raw.map((row) => row.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toHaveLength(PROBLEMS);

    const after = loadRun(killed);
    const before = loadRun(calm);
    const verdicts = (rows: typeof after.rows) => Object.fromEntries(rows.map((row) => [row.key, [row.grades.strict.correct, row.grades['mathcoder-compat'].correct]]));
    expect(verdicts(after.rows)).toEqual(verdicts(before.rows));
  });
});
