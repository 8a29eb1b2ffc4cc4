import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interpolationPairs } from '../../src/build-data/interpolation-pairs.js';
import { parseSeedProblem, type SeedProblem } from '../../src/build-data/seed-problem.js';
import { MATHCODER_SYNTAX, parseTrainRow, trainRowConversation } from '../../src/format/index.js';
import { readJsonlSync } from '../../src/util/jsonl.js';
import { runCli } from '../helpers/cli.js';
import { startScriptedChatServer, type ScriptedChatServer } from '../helpers/scripted-chat-server.js';
import { REPO_ROOT, sharedPath } from '../helpers/shared.js';
import { D0_EXPECTED_REASON, d0Kind, dataScript, expectedPairOutcome, STUDENT_PLAN, studentKind, newProblemNumbers } from './scripted-models.js';
import { MATH_TRAIN_FIXTURE } from './seed-fixtures.js';

/**
 * The whole pipeline through the built CLI on a 50-problem slice (25 GSM8K train, 25 MATH-format fixtures):
 * seed, d0 (killed mid-way and resumed), d1 (interrupted with Ctrl-C and resumed), clean, export; every count is
 * checked against what the scripted teacher and student were made to write, and every exported row is rendered
 * with the MathCoder renderer and parsed back.
 */
const DATA = sharedPath('data');
const SAMPLES = 2;
const PAIRS = 22;
let work: string;
let server: ScriptedChatServer;
let seeds: SeedProblem[];

const lines = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter((line) => line.trim() !== '').length : 0);

function teacherFlags(url: string): string[] {
  return ['--teacher', 'scripted-teacher', '--teacher-base-url', url, '--retries', '1', '--max-rounds', '6', '--concurrency', '4'];
}

/** Starts a CLI command and stops it with `signal` once `file` has `rows` lines; resolves with its exit code and stderr. */
function runUntil(args: readonly string[], file: string, rows: number, signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'dist', 'cli', 'main.js'), ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setInterval(() => {
      if (lines(file) >= rows) {
        clearInterval(timer);
        child.kill(signal);
      }
    }, 20);
    child.on('error', reject);
    child.on('exit', (code, exitSignal) => {
      clearInterval(timer);
      resolve({ code, signal: exitSignal, stderr });
    });
  });
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'mathcoder-pipeline-'));
  const seeded = await runCli(['data', 'seed', '--out', join(work, 'seed'), '--data-dir', DATA, '--math-train', MATH_TRAIN_FIXTURE, '--limit', '25']);
  expect(seeded.code, seeded.stderr).toBe(0);
  seeds = readJsonlSync(join(work, 'seed', 'seeds.jsonl')).map(({ lineNumber, value }) => parseSeedProblem(value, `seeds.jsonl:${lineNumber}`));
  // Each answer takes 25 ms to prepare, so the runs can be stopped part-way.
  server = await startScriptedChatServer({ script: dataScript(seeds), latencyMs: 25 });
});

afterAll(async () => {
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the data pipeline on a 50-problem slice', () => {
  it('seed → d0 (killed, resumed) → d1 (interrupted, resumed) → clean → export, with the expected counts', async () => {
    expect(seeds).toHaveLength(50);

    // --- d0: SIGKILL after 30 of 100 attempts, then the same command finishes the rest.
    const d0 = join(work, 'd0');
    const d0Args = ['data', 'd0', '--seeds', join(work, 'seed'), '--out', d0, '--samples', String(SAMPLES), ...teacherFlags(server.url)];
    const killed = await runUntil(d0Args, join(d0, 'attempts.jsonl'), 30, 'SIGKILL');
    expect(killed.signal).toBe('SIGKILL');
    const doneBefore = lines(join(d0, 'attempts.jsonl'));
    expect(doneBefore).toBeGreaterThanOrEqual(30);
    expect(doneBefore).toBeLessThan(100);
    const resumed = await runCli(d0Args);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(new RegExp(`d0: ${doneBefore} of 100 attempts already done .* resuming`));
    const attempts = readJsonlSync(join(d0, 'attempts.jsonl')).map(({ value }) => value as { key: string; id: string; sample: number; reason: string; status: string });
    expect(attempts).toHaveLength(100);
    expect(new Set(attempts.map((row) => row.key)).size).toBe(100);
    const expectedD0: Record<string, number> = {};
    seeds.forEach((_, index) => {
      for (let sample = 0; sample < SAMPLES; sample += 1) {
        const reason = D0_EXPECTED_REASON[d0Kind(index, sample)];
        expectedD0[reason] = (expectedD0[reason] ?? 0) + 1;
      }
    });
    const reasons: Record<string, number> = {};
    for (const row of attempts) reasons[row.reason] = (reasons[row.reason] ?? 0) + 1;
    expect(reasons).toEqual(expectedD0);
    const d0Kept = lines(join(d0, 'kept.jsonl'));
    expect(d0Kept).toBe(expectedD0.kept);
    expect(resumed.stdout).toContain(`kept ${expectedD0.kept}`);

    // --- d1: Ctrl-C after 6 interpolations; it stops cleanly, then resumes.
    const d1 = join(work, 'd1');
    const d1Args = [
      'data', 'd1', '--seeds', join(work, 'seed'), '--out', d1, '--problems', String(PAIRS), '--judge',
      ...teacherFlags(server.url), '--student', 'scripted-teacher', '--student-backend', 'openai-chat', '--student-base-url', server.url,
    ];
    const interrupted = await runUntil(d1Args, join(d1, 'interpolations.jsonl'), 6, 'SIGINT');
    expect(interrupted.code).toBe(1);
    expect(interrupted.stderr).toMatch(/mathcoder: d1 stopped early: interrupted; the rows so far are kept, run the same command again to resume/);
    const interpolatedBefore = lines(join(d1, 'interpolations.jsonl'));
    expect(interpolatedBefore).toBeLessThan(PAIRS);
    const d1Resumed = await runCli(d1Args);
    expect(d1Resumed.code, d1Resumed.stderr).toBe(0);
    const expectedPairs = interpolationPairs(seeds, PAIRS, 0).map((pair) => ({ pair, ...expectedPairOutcome(pair, false) }));
    const d1Kept = expectedPairs.reduce((sum, entry) => sum + (entry.decision === 'kept' ? entry.usable : 0), 0);
    expect(lines(join(d1, 'kept.jsonl'))).toBe(d1Kept);
    expect(lines(join(d1, 'decisions.jsonl'))).toBe(expectedPairs.filter((entry) => entry.dropped === null).length);
    expect(new Set(readJsonlSync(join(d1, 'interpolations.jsonl')).map(({ value }) => (value as { key: string }).key)).size).toBe(PAIRS);

    // --- clean: the two kept files, plus rows planted to be removed for each reason.
    const gsmKept = readJsonlSync(join(d0, 'kept.jsonl')).map(({ value }) => value as { id: string; question: string; source: string }).find((row) => row.source === 'gsm8k')!;
    const mathTest = readJsonlSync(join(DATA, 'math', 'test.jsonl'))[100]!.value as { problem: string };
    const planted = join(work, 'planted.jsonl');
    writeFileSync(
      planted,
      [
        { id: 'planted/near-duplicate', question: `${gsmKept.question.replace(/\?$/, '')} in total?` },
        { id: 'planted/test-copy', question: mathTest.problem },
        { id: 'planted/edited-test', question: (readJsonlSync(join(REPO_ROOT, 'test', 'build-data', 'fixtures', 'edited-test-problems.jsonl'))[0]!.value as { question: string }).question },
      ]
        .map((row) => JSON.stringify(row))
        .join('\n') + '\n',
    );
    const cleaned = await runCli(['data', 'clean', join(d0, 'kept.jsonl'), join(d1, 'kept.jsonl'), planted, '--out', join(work, 'kept.jsonl'), '--removed', join(work, 'removed.jsonl'), '--report', join(work, 'clean.md'), '--data-dir', DATA]);
    expect(cleaned.code, cleaned.stderr).toBe(0);
    // With --keep all, a kept problem's identical solutions are exact duplicates: 'agree' gives 3 identical, the
    // others 2 (samples 0 and 2 of 'agree-with-tool-error', samples 1 and 2 of 'one-malformed').
    const duplicates = expectedPairs
      .filter((entry) => entry.decision === 'kept')
      .reduce((sum, entry) => sum + (studentKind(newProblemNumbers(entry.pair.index).trays) === STUDENT_PLAN[0] ? 2 : 1), 0);
    const report = JSON.parse(readFileSync(join(work, 'clean.json'), 'utf8')) as { rows: number; kept: number; byReason: Record<string, number>; byTestSet: Record<string, number> };
    expect(report.rows).toBe(d0Kept + d1Kept + 3);
    // A real find in the slice: GSM8K training problem 12 ("Bella bought stamps at the post office …") is GSM8K
    // test problem "Max bought stamps at the post office …" with its names and numbers changed.
    const stamps = seeds.find((seed) => seed.question.startsWith('Bella bought stamps at the post office'))!;
    const stampRows = attempts.filter((row) => row.id === stamps.id && row.reason === 'kept').length;
    expect(stampRows).toBeGreaterThan(0);
    expect(report.byReason).toEqual({ 'exact-duplicate': duplicates, 'near-duplicate': 1, 'test-exact': 1, 'test-ngram': 1 + stampRows });
    expect(report.byTestSet).toEqual({ gsm8k: 1 + stampRows, math: 1 });
    expect(report.kept).toBe(d0Kept + d1Kept - duplicates - stampRows);
    const removed = readJsonlSync(join(work, 'removed.jsonl')).map(({ value }) => value as { id: string; removal: { reason: string; of: string } });
    expect(removed.find((row) => row.id === 'planted/near-duplicate')!.removal.of).toBe(gsmKept.id);
    expect(readFileSync(join(work, 'clean.md'), 'utf8')).toContain('| planted/test-copy | test-exact |');

    // --- export: train_80k rows, each rendering and parsing back to the same conversation.
    const exported = join(work, 'train_80k.jsonl');
    const exportRun = await runCli(['data', 'export', join(work, 'kept.jsonl'), '--out', exported, '--tokenizer', 'llama2']);
    expect(exportRun.code, exportRun.stderr).toBe(0);
    const rows = readJsonlSync(exported);
    expect(rows).toHaveLength(report.kept);
    for (const { lineNumber, value } of rows) {
      const row = parseTrainRow(value, `train_80k.jsonl:${lineNumber}`);
      const conversation = trainRowConversation(row);
      expect(isDeepStrictEqual(MATHCODER_SYNTAX.parse(MATHCODER_SYNTAX.render(conversation)), conversation)).toBe(true);
    }
    const stats = JSON.parse(readFileSync(join(work, 'train_80k.stats.json'), 'utf8')) as { rows: number; bySource: Record<string, number>; executions: { cells: number; failed: number }; tokens: { mean: number; max: number } };
    expect(stats.rows).toBe(report.kept);
    expect(stats.bySource.interpolation).toBe(d1Kept - duplicates);
    expect(stats.bySource.gsm8k! + stats.bySource.math!).toBe(d0Kept - stampRows);
    expect(stats.executions.failed).toBeGreaterThan(0);
    expect(stats.tokens.max).toBeGreaterThan(stats.tokens.mean);
    expect(exportRun.stdout).toContain('## Rows by source');
    const d1Stats = JSON.parse(readFileSync(join(d1, 'stats.json'), 'utf8')) as { dropped: Record<string, number>; decisions: Record<string, number>; keptProblems: number };
    console.log(
      `pipeline: 50 seeds; d0 killed after ${doneBefore}/100 attempts and resumed: ${JSON.stringify(reasons)}; ` +
        `d1 interrupted after ${interpolatedBefore}/${PAIRS} interpolations and resumed: ${PAIRS} pairs, dropped ${JSON.stringify(d1Stats.dropped)}, decisions ${JSON.stringify(d1Stats.decisions)}, ` +
        `${d1Kept} examples; clean: ${report.rows} rows in, removed ${JSON.stringify(report.byReason)}, kept ${report.kept}; export: ${stats.rows} rows ${JSON.stringify(stats.bySource)}, ` +
        `${stats.executions.failed}/${stats.executions.cells} executions failed, ${stats.tokens.mean.toFixed(0)} tokens a row (max ${stats.tokens.max})`,
    );
  });
});
