import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { incompatibilities } from '../../src/eval/run-manifest.js';
import { loadRun } from '../../src/eval/run-files.js';
import { jsonReport, markdownReport } from '../../src/eval/report-format.js';
import { buildRunReport } from '../../src/eval/run-report.js';
import { loadRunSource, runSources } from '../../src/eval/run-shards.js';
import { parseShard, shardOfProblem } from '../../src/eval/shard.js';
import { RunCatalogue } from '../../src/server/run-catalogue.js';
import { runCli } from '../helpers/cli.js';
import { sharedPath } from '../helpers/shared.js';
import { headOfFile } from '../helpers/test-scale.js';

/**
 * `eval --shard i/n` over 4 shards, merged by `report` (and the viewer's catalogue) into the results of one
 * unsplit run; shards that differ in config or count are refused, missing and unfinished ones named.
 */

const SHARDS = 4;
const folder = mkdtempSync(join(tmpdir(), 'mc-eval-shards-'));
/** The first published rows of two sets are the problems (the stand-in server reads no more than it serves). */
const TRAJECTORIES = ['svamp', 'simuleq'].map((name) => headOfFile(sharedPath('trajectories', 'mathcoder-cl-7b', `${name}.jsonl`), 3, join(folder, 'published')));
const whole = join(folder, 'whole');
const shards = join(folder, 'shards');
const shardDir = (index: number) => join(shards, `shard-${index}`);

const evalArgs = (out: string, extra: string[] = []) => [
  'eval', '--backend', 'replay', '--trajectories', ...TRAJECTORIES, '--data-dir', sharedPath('data'),
  '--limit', '3', '--samples', '2', '--concurrency', '2', '--cell-timeout', '5', '--out', out, ...extra,
];

/**
 * The dataset objects of a JSON report without what says where and how fast they ran, numbers to 12 digits (sums
 * over rows in another order differ in the last bits).
 */
function jsonDatasets(text: string): Array<Record<string, unknown>> {
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line, (_key, value: unknown) => (typeof value === 'number' ? Number(value.toPrecision(12)) : value)) as Record<string, unknown>)
    .map(({ run: _run, dir: _dir, secondsPerProblem: _seconds, shards: _shards, ...rest }) => rest);
}

async function cliJsonDatasets(run: string): Promise<Array<Record<string, unknown>>> {
  const report = await runCli(['report', run, '--format', 'json']);
  expect(report.code, report.stderr).toBe(0);
  return jsonDatasets(report.stdout);
}

/** A copy of some shard folders in a folder of their own, to be changed by hand. */
function copyShards(name: string, indices: readonly number[]): string {
  const target = join(folder, name);
  for (const index of indices) cpSync(shardDir(index), join(target, `shard-${index}`), { recursive: true });
  return target;
}

interface EditableManifest {
  config: { sampling: { temperature: number }; shard: { index: number; count: number } };
}

function editManifest(dir: string, edit: (manifest: EditableManifest) => void): void {
  const path = join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as EditableManifest;
  edit(manifest);
  writeFileSync(path, JSON.stringify(manifest));
}

beforeAll(async () => {
  const unsplit = await runCli(evalArgs(whole));
  expect(unsplit.code, unsplit.stderr).toBe(0);
  for (let index = 0; index < SHARDS; index += 1) {
    const shard = await runCli(evalArgs(shardDir(index), ['--shard', `${index}/${SHARDS}`]));
    expect(shard.code, shard.stderr).toBe(0);
  }
});

afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('eval --shard i/n', () => {
  it('splits the problems by a hash of their ids: disjoint shards that together are the whole run', () => {
    const all = loadRun(whole).rows;
    expect(all).toHaveLength(12);
    const keys = new Set<string>();
    for (let index = 0; index < SHARDS; index += 1) {
      const run = loadRun(shardDir(index));
      expect(run.manifest.config.shard).toEqual({ index, count: SHARDS });
      for (const row of run.rows) {
        expect(shardOfProblem(row.id, SHARDS)).toBe(index);
        expect(keys.has(row.key)).toBe(false);
        keys.add(row.key);
      }
      // The shard's manifest counts its own problems.
      expect(run.manifest.datasets.reduce((sum, record) => sum + record.problems, 0) * 2).toBe(run.rows.length);
    }
    expect([...keys].sort()).toEqual(all.map((row) => row.key).sort());
    expect(parseShard('3/4')).toEqual({ index: 3, count: 4 });
    expect(() => parseShard('4/4')).toThrow('--shard must be i/n with 0 <= i < n (shards are numbered from 0, like SLURM_ARRAY_TASK_ID with --array=0-3), got "4/4"');
    // A shard folder takes no other shard's problems.
    const manifest = loadRun(shardDir(0)).manifest;
    expect(incompatibilities(manifest, { model: manifest.model, config: { ...manifest.config, shard: { index: 1, count: 4 } } })).toEqual(['shard: "0/4" → "1/4"']);
  });

  it('report merges the shard folders into the results of the unsplit run, sampling metrics included', async () => {
    const expected = await cliJsonDatasets(whole);
    expect(expected.map((entry) => entry.dataset)).toEqual(['svamp', 'simuleq']);
    expect(await cliJsonDatasets(shards)).toEqual(expected);
    // The shard folders themselves, given one by one, are the same run.
    const [listed] = runSources([0, 1, 2, 3].map(shardDir));
    expect(listed).toMatchObject({ label: shards, sharded: true });
    expect(jsonDatasets(jsonReport(await buildRunReport(listed!)))).toEqual(expected);
    for (const entry of expected) {
      // Two identical replayed samples: pass@1 averaged over them is the accuracy, over the 3 problems.
      const pass1 = entry.pass1 as { mean: number; standardError: number | null; problems: number };
      expect(pass1.problems).toBe(3);
      expect(pass1.mean).toBeCloseTo((entry.accuracy as Record<string, number>).strict!, 10);
      expect(pass1.standardError).toBeCloseTo(Math.sqrt((pass1.mean * (1 - pass1.mean)) / 2), 10);
      expect(typeof entry.noAnswer).toBe('number');
      expect(entry.passAtK).toHaveProperty('2');
      expect(entry.majAtK).toHaveProperty('2');
    }
    const markdown = markdownReport(await buildRunReport(listed!));
    expect(markdown).toContain(`# mathcoder evaluation: ${basename(shards)}\n`);
    expect(markdown).toContain('- Shards: 4 of 4 shards merged\n');
    expect(markdown).toMatch(/\| svamp \| 2 \| @1 [\d.]+, @2 [\d.]+ \| @1 [\d.]+, @2 [\d.]+ \| [\d.]+ \| [\d.]+ ± [\d.]+ \| [\d.]+ \|/);
  });

  it('names the shards that are missing or unfinished', async () => {
    const partial = copyShards('partial', [0, 1, 3]);
    const results = join(partial, 'shard-1', 'results.jsonl');
    const rows = readFileSync(results, 'utf8').trim().split('\n');
    expect(rows.length).toBeGreaterThan(0);
    writeFileSync(results, rows.slice(1).map((row) => `${row}\n`).join(''));
    const report = await runCli(['report', partial]);
    expect(report.code, report.stderr).toBe(0);
    const line = `3 of 4 shards merged; missing: 2/4; incomplete: 1/4 (${rows.length - 1} of ${rows.length} rows, shard-1)`;
    expect(report.stdout).toContain(`- Shards: ${line}\n`);
    expect(report.stderr).toBe(`mathcoder: ${partial}: ${line}\n`);
    const json = jsonReport(await buildRunReport(runSources([partial])[0]!));
    expect(JSON.parse(json.split('\n')[0]!).shards).toEqual({ count: 4, merged: [0, 1, 3], missing: [2], incomplete: [1] });
  });

  it('refuses shards of another config or shard count, and a shard given twice, naming what differs', async () => {
    const config = copyShards('config', [0, 1]);
    editManifest(join(config, 'shard-1'), (manifest) => (manifest.config.sampling.temperature = 0.5));
    const changed = await runCli(['report', config]);
    expect(changed.code).toBe(1);
    expect(changed.stderr).toBe(`mathcoder: cannot merge the shards of ${config}: ${join(config, 'shard-1')} differs from ${join(config, 'shard-0')} in sampling.temperature: 0 → 0.5\n`);

    const count = copyShards('count', [0, 1]);
    editManifest(join(count, 'shard-1'), (manifest) => (manifest.config.shard = { index: 1, count: 3 }));
    expect(() => loadRunSource(runSources([join(count, 'shard-0'), join(count, 'shard-1')])[0]!)).toThrow(
      `cannot merge the shards of ${count}: ${join(count, 'shard-1')} differs from ${join(count, 'shard-0')} in shards: 4 → 3`,
    );

    const twice = copyShards('twice', [0]);
    cpSync(join(twice, 'shard-0'), join(twice, 'shard-0-again'), { recursive: true });
    expect(() => loadRunSource(runSources([twice])[0]!)).toThrow(`cannot merge the shards of ${twice}: ${join(twice, 'shard-0')} and ${join(twice, 'shard-0-again')} are both shard 0/4; keep one`);
  });

  it('the viewer shows the shards of a run as one run', async () => {
    const catalogue = RunCatalogue.open([folder]);
    const listed = await catalogue.list();
    const byId = new Map(listed.map((run) => [run.id, run]));
    expect(byId.get('shards')).toMatchObject({ dir: shards, rows: 12, error: null });
    expect(byId.get('whole')).toMatchObject({ rows: 12 });
    expect(byId.has('published')).toBe(false);
    expect(byId.get('config')?.error).toContain('cannot merge the shards of');
    const detail = (await catalogue.get('shards')).detail();
    expect(detail.shards).toMatchObject({ count: 4, missing: [], incomplete: [] });
    expect(detail.metrics.map((metrics) => metrics.pass1?.problems)).toEqual([3, 3]);
    const direct = RunCatalogue.open([0, 1, 2, 3].map(shardDir));
    expect((await direct.list()).map((run) => [run.id, run.rows])).toEqual([['shards', 12]]);
  });
});
