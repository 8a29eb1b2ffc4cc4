import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRun } from '../../src/eval/run-files.js';
import { startReplayServer, type ReplayServer } from '../../src/llm/replay-server/replay-server.js';
import { runCli } from '../helpers/cli.js';
import { sharedPath } from '../helpers/shared.js';
import { SIX_TIMES_SEVEN, scriptedTranscript } from '../helpers/tiny-gguf-scripts.js';
import { temporaryModelFolder, writeTinyGguf } from '../helpers/tiny-gguf.js';

const folder = temporaryModelFolder();
const tinyModel = join(folder.folder, 'six-times-seven.gguf');
const dataDir = sharedPath('data');
const svampTrajectories = sharedPath('trajectories', 'mathcoder-cl-7b', 'svamp.jsonl');

beforeAll(() => {
  writeTinyGguf({ path: tinyModel, transcripts: [scriptedTranscript(SIX_TIMES_SEVEN)] });
});

afterAll(() => folder.remove());

const tinyEval = (out: string, extra: string[] = []) =>
  runCli(['eval', '--model', tinyModel, '--datasets', 'svamp,math', '--data-dir', dataDir, '--limit', '3', '--concurrency', '2', '--out', out, ...extra]);

describe('mathcoder eval on the tiny GGUF (llama.cpp in process)', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'mc-eval-')), 'run');

  it('writes a complete row for every problem and a report', async () => {
    const result = await tinyEval(out);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('6 rows written, 0 already done');
    const run = loadRun(out);
    expect(run.rows).toHaveLength(6);
    for (const row of run.rows) {
      expect(row).toMatchObject({ status: 'done', stop_reason: 'finished', answer: '42', sample: 0 });
      expect(row.blocks.map((block) => block.type)).toEqual(['text', 'code', 'execution', 'text']);
      expect(row.blocks[2]!.execution?.status).toBe('ok');
      expect(Object.keys(row.grades).sort()).toEqual(['mathcoder-compat', 'strict']);
      expect(row.tokens.generated).toBeGreaterThan(0);
      expect(row.timings.totalMs).toBeGreaterThan(0);
    }
    expect(run.rows.filter((row) => row.dataset === 'math').every((row) => row.level !== undefined && row.subject !== undefined)).toBe(true);
    expect(run.manifest.model).toMatchObject({ backend: 'embedded', file: { path: tinyModel } });
    expect(run.manifest.model.file!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(run.manifest.versions.python.sympy).toMatch(/^\d/);
    expect(run.manifest.datasets.map((dataset) => dataset.name)).toEqual(['svamp', 'math']);
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    expect(report).toContain('| svamp | 3 | 3 |');
    expect(report).toContain('## math by level');
    expect(report).toContain('## Stop reasons');
  });

  it('resumed on part of its datasets, still records all of them, and each invocation', async () => {
    const part = await runCli(['eval', '--model', tinyModel, '--datasets', 'svamp', '--data-dir', dataDir, '--limit', '3', '--concurrency', '2', '--out', out]);
    expect(part.code, part.stderr).toBe(0);
    // Resuming: nothing is left to do, and no row is written twice.
    expect(part.stderr).toContain('0 rows written, 3 already done');
    expect(loadRun(out).rows).toHaveLength(6);
    const { manifest } = loadRun(out);
    expect(manifest.config.datasets).toEqual(['svamp', 'math']);
    expect(manifest.invocations!.map((invocation) => invocation.datasets)).toEqual([['svamp', 'math'], ['svamp']]);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('## math by level');
  });

  it('refuses to mix in another config unless forced, and says what changed', async () => {
    const changed = await tinyEval(out, ['--temperature', '0.5', '--max-rounds', '8']);
    expect(changed.code).toBe(1);
    expect(changed.stderr.trim()).toBe(
      `mathcoder: ${out} holds results of another model or config (sampling.temperature: 0 → 0.5; solve.maxRounds: 16 → 8): use another --out, or --force to mix them`,
    );
    const forced = await tinyEval(out, ['--temperature', '0.5', '--max-rounds', '8', '--force']);
    expect(forced.code, forced.stderr).toBe(0);
  });

  it('names the broken line of a results file edited by hand and changes nothing', async () => {
    const results = join(out, 'results.jsonl');
    const lines = readFileSync(results, 'utf8').split('\n');
    lines[1] = lines[1]!.slice(0, 40);
    writeFileSync(results, lines.join('\n'));
    const broken = await tinyEval(out, ['--temperature', '0.5', '--max-rounds', '8']);
    expect(broken.code).toBe(1);
    expect(broken.stderr.trim()).toMatch(new RegExp(`^mathcoder: ${results.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:2: not valid JSON .*fix or delete that line`));
    const report = await runCli(['report', out]);
    expect(report.code).toBe(1);
    expect(report.stderr).toContain(':2: not valid JSON');
  });
});

describe('mathcoder report', () => {
  it('prints JSON per dataset, CSV, and the problems that flipped between two runs', async () => {
    const base = mkdtempSync(join(tmpdir(), 'mc-report-'));
    const [a, b] = [join(base, 'a'), join(base, 'b')];
    const run = await runCli(['eval', '--backend', 'replay', '--trajectories', svampTrajectories, '--data-dir', dataDir, '--limit', '6', '--out', a]);
    expect(run.code, run.stderr).toBe(0);
    // B is a copy of A (a run is its folder of files) whose answers to the first two problems are changed by hand:
    // those two flip.
    cpSync(a, b, { recursive: true });
    const rows = readFileSync(join(b, 'results.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { grades: Record<string, { correct: boolean }> });
    for (const row of rows.slice(0, 2)) for (const grade of Object.values(row.grades)) grade.correct = !grade.correct;
    writeFileSync(join(b, 'results.jsonl'), rows.map((row) => JSON.stringify(row)).join('\n') + '\n');

    const json = await runCli(['report', a, '--format', 'json']);
    const [svamp] = json.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(svamp).toMatchObject({ run: 'a', dataset: 'svamp', rows: 6, model: 'mathcoder-cl-7b', paperAccuracy: 0.707 });
    expect(Object.keys(svamp!.accuracy as object).sort()).toEqual(['mathcoder-compat', 'strict']);

    const csv = await runCli(['report', a, b, '--format', 'csv']);
    expect(csv.stdout.split('\n')[0]).toBe(
      'run,model,dataset,problems,rows,failed,accuracy_strict,accuracy_mathcoder-compat,paper_accuracy,samples,pass1,pass1_standard_error,no_answer,pass_at_samples,maj_at_samples',
    );
    // One unit in a row: every accuracy and rate, the paper's too, is a fraction.
    expect(csv.stdout.split('\n')[1]).toMatch(/^a,mathcoder-cl-7b,svamp,6,6,0,[01]\.\d{4},[01]\.\d{4},0\.7070,1(,([01]\.\d{4})?){5}$/);
    expect(csv.stdout.trim().split('\n')).toHaveLength(3);

    const compared = await runCli(['report', a, b]);
    expect(compared.code, compared.stderr).toBe(0);
    // One report with the two runs side by side, titled by the runs' names (not their temporary paths).
    expect(compared.stdout.split('\n')[0]).toBe('# mathcoder evaluation: a vs b');
    expect(compared.stdout).toContain('| dataset | A rows | A strict | A compat | A paper | B rows | B strict | B compat | B paper |');
    expect(compared.stdout.match(/^# /gm)).toHaveLength(1);
    expect(compared.stdout).toContain('## Problems that flipped (strict grader, sample 0): 2');
    expect(readFileSync(join(a, 'report.md'), 'utf8').split('\n')[0]).toBe('# mathcoder evaluation: a');
  });
});

describe('bad input and failures', () => {
  it('lists the known datasets for an unknown one, and names a missing model', async () => {
    const out = mkdtempSync(join(tmpdir(), 'mc-bad-'));
    const unknown = await runCli(['eval', '--model', tinyModel, '--datasets', 'gsm9k', '--data-dir', dataDir, '--out', out]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim()).toBe('mathcoder: unknown dataset "gsm9k" (did you mean gsm8k?); known: gsm8k, math, svamp, mathematics, simuleq, math500, asdiv, gsm-hard, mawps');
    const missing = await runCli(['eval', '--model', join(out, 'nope.gguf'), '--datasets', 'svamp', '--data-dir', dataDir, '--out', out]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^mathcoder: model ".*nope\.gguf" is not a file that exists/);
    expect(missing.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('says when the run folder cannot be written', async () => {
    const base = mkdtempSync(join(tmpdir(), 'mc-bad-'));
    writeFileSync(join(base, 'a-file'), '');
    const result = await tinyEval(join(base, 'a-file', 'run'));
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(/^mathcoder: cannot create --out .*a-file\/run: .*a-file is a file$/);
  });

  it('stops on a full disk, keeping every row written, and resumes when there is room', async () => {
    if (process.getuid?.() !== 0) return; // mounting a small file system needs root
    const mount = mkdtempSync(join(tmpdir(), 'mc-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=32k', 'tmpfs', mount]);
    try {
      const out = join(mount, 'run');
      const full = await runCli(['eval', '--backend', 'replay', '--trajectories', svampTrajectories, '--data-dir', dataDir, '--limit', '24', '--concurrency', '2', '--out', out]);
      expect(full.code).toBe(1);
      expect(full.stderr).toMatch(/mathcoder: cannot append to .*results\.jsonl: the disk is full; the rows written so far are kept, run again to resume/);
      const kept = loadRun(out).rows.length;
      expect(kept).toBeGreaterThan(0);
      expect(kept).toBeLessThan(24);
      execFileSync('mount', ['-o', 'remount,size=4m', mount]);
      const resumed = await runCli(['eval', '--backend', 'replay', '--trajectories', svampTrajectories, '--data-dir', dataDir, '--limit', '24', '--concurrency', '2', '--out', out]);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stderr).toContain(`${24 - kept} rows written, ${kept} already done`);
    } finally {
      execFileSync('umount', [mount]);
    }
  });

  it('marks the rows a dying server could not finish, stops, and redoes them on resume', async () => {
    let failing = false;
    let served = 0;
    const replay: ReplayServer = await startReplayServer({ files: [svampTrajectories], protocol: 'openai-completions', recordRequests: false });
    const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
      if (request.url?.endsWith('/completions') && ++served > 16) failing = true;
      if (failing) {
        request.resume();
        response.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'the server is shutting down' } }));
        return;
      }
      replay.handle(request, response);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    try {
      const out = mkdtempSync(join(tmpdir(), 'mc-dying-'));
      const args = ['eval', '--backend', 'openai-completions', '--base-url', url, '--retries', '0', '--datasets', 'svamp', '--data-dir', dataDir, '--limit', '24', '--concurrency', '1', '--out', out];
      const dying = await runCli(args);
      expect(dying.code).toBe(1);
      expect(dying.stderr).toMatch(/mathcoder: the run stopped early: the model server failed 5 problems in a row \(last: .*503.*\); the rows so far are kept, run the same command again to resume/);
      const firstPass = loadRun(out).rows;
      const failed = firstPass.filter((row) => row.status === 'failed');
      expect(failed.length).toBe(5);
      expect(failed.every((row) => row.stop_reason === 'backend_error')).toBe(true);
      failing = false;
      served = -1_000_000;
      const resumed = await runCli(args);
      expect(resumed.code, resumed.stderr).toBe(0);
      const rows = loadRun(out).rows;
      expect(rows).toHaveLength(24);
      expect(rows.every((row) => row.status === 'done')).toBe(true);
      expect(resumed.stderr).toContain(`${24 - (firstPass.length - failed.length)} rows written, ${firstPass.length - failed.length} already done`);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await replay.close();
    }
  });
});
