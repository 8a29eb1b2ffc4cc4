import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { sharedPath } from '../helpers/shared.js';

const svamp = sharedPath('trajectories', 'mathcoder-cl-7b', 'svamp.jsonl');
const mathematics = sharedPath('trajectories', 'mathcoder-cl-7b', 'mathematics.jsonl');
const simuleq = sharedPath('trajectories', 'mathcoder-cl-7b', 'simuleq.jsonl');

describe('mathcoder replay', () => {
  it('re-executes published cells: at least 95% match exactly after normalisation, and every other differs for a known, benign reason', async () => {
    // The first 15 rows of each file (the whole files, 5,729 cells, match 99%: README, bench/sandbox-cost). Their
    // slowest cell (a sympy solve) takes 0.4 s here: the limit is far above it, so no cell times out on a slow machine.
    const result = await runCli(['replay', '--json', '--limit', '15', '--concurrency', '2', '--cell-timeout', '30', svamp, mathematics, simuleq]);
    expect(result.code, result.stderr).toBe(0);
    const reports = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { file: string; rows: number; cells: number; matched: number; mismatchKinds: Record<string, number> });
    expect(reports.map((report) => report.file)).toEqual([svamp, mathematics, simuleq]);
    let cells = 0;
    let matched = 0;
    for (const report of reports) {
      expect(report.rows).toBe(15);
      cells += report.cells;
      matched += report.matched;
      // Frames inside library files (Python 3.11 and SymPy 1.11 here, 3.9 and 1.12 on the authors' machine) and
      // the wording of an error message or a SyntaxError are what may differ; never what the code computed.
      for (const [kind, count] of Object.entries(report.mismatchKinds)) if (count > 0) expect(['library-frames', 'error-message', 'syntax-message'], `${report.file}: ${kind}`).toContain(kind);
    }
    expect(cells).toBeGreaterThan(50);
    expect(matched / cells).toBeGreaterThanOrEqual(0.95);
    expect(result.stderr).toMatch(/replay: 45\/45 trajectories/);
  });

  it('lists mismatches with their kind and both texts', async () => {
    const result = await runCli(['replay', '--show-mismatches', '--limit', '12', '--cell-timeout', '3', mathematics]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/mathematics\.jsonl:\d+ cell \d+ \[(library-frames|error-message|syntax-message|output-differs|ordering|float-rounding|error-vs-output|after-earlier-mismatch|replay-timeout)\]/);
    expect(result.stdout).toContain('  published:');
    expect(result.stdout).toContain('  replayed:');
    expect(result.stdout).toMatch(/mismatches by kind: .*\d/);
    expect(result.stdout).toMatch(/isolation (bwrap|unshare|none)/);
  });

  it('says on one line what is wrong with bad input', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'mc-replay-'));
    const missing = await runCli(['replay', join(folder, 'nope.jsonl')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe(`mathcoder: cannot read ${join(folder, 'nope.jsonl')}: no such file`);

    const broken = join(folder, 'broken.jsonl');
    writeFileSync(broken, readFileSync(svamp, 'utf8').split('\n').slice(0, 2).join('\n') + '\n{"messages": [\n');
    const malformed = await runCli(['replay', broken]);
    expect(malformed.code).toBe(1);
    expect(malformed.stderr.trim()).toMatch(new RegExp(`^mathcoder: ${broken.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:3: not valid JSON`));

    const noCode = join(folder, 'no-code.jsonl');
    const row = JSON.parse(readFileSync(svamp, 'utf8').split('\n')[0]!) as { debug_result: Array<{ role: string }> };
    row.debug_result = row.debug_result.filter((entry) => entry.role !== 'code' && entry.role !== 'execution');
    writeFileSync(noCode, JSON.stringify(row) + '\n');
    const empty = await runCli(['replay', noCode]);
    expect(empty.code).toBe(1);
    expect(empty.stderr.trim()).toBe(`mathcoder: no code cells to replay in ${noCode}: no code block is followed by its execution`);

    const notARow = join(folder, 'not-a-row.jsonl');
    writeFileSync(notARow, '{"question": "1+1?"}\n');
    const wrongShape = await runCli(['replay', notARow]);
    expect(wrongShape.code).toBe(1);
    expect(wrongShape.stderr.trim()).toMatch(/:1: not a published MathCoder row: field messages/);
    for (const run of [missing, malformed, empty, wrongShape]) expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
