import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRoundTrip } from '../../src/build-data/export-rows.js';
import { D0_FILES, runD0, type D0Config } from '../../src/build-data/run-d0.js';
import type { SeedProblem } from '../../src/build-data/seed-problem.js';
import { parseTrainingExample } from '../../src/build-data/training-example.js';
import { ResultsFile } from '../../src/eval/results-file.js';
import type { ModelIdentity } from '../../src/eval/run-manifest.js';
import { parseD0Row } from '../../src/build-data/d0-row.js';
import { SYSTEM_PROMPTS } from '../../src/format/index.js';
import { OpenAIChatBackend } from '../../src/llm/http/openai-chat-backend.js';
import { PythonSandbox } from '../../src/sandbox/python-sandbox.js';
import { readJsonlSync } from '../../src/util/jsonl.js';
import { startScriptedChatServer, type ScriptedChatServer } from '../helpers/scripted-chat-server.js';
import { D0_EXPECTED_REASON, d0Kind, dataScript } from './scripted-models.js';
import { seedSlice } from './seed-fixtures.js';

const SAMPLES = 2;
const CONFIG: D0Config = {
  samples: SAMPLES,
  concurrency: 4,
  sampling: { temperature: 0.7, topP: 1, seed: 0 },
  solve: { syntax: 'mathcoder', system: SYSTEM_PROMPTS.data, querySuffix: '\n', chatSystem: null, maxRounds: 6, maxTokensPerBlock: 512, deadlineMs: null, loopRepeats: 3, cellTimeoutMs: 10_000 },
  train: { system: SYSTEM_PROMPTS.data, querySuffix: '\n' },
  prices: { promptPerMillion: 30, completionPerMillion: 60 },
};
const FAST_HTTP = { timeoutMs: 10_000, retries: 2, retryDelayMs: 10 };

let seeds: SeedProblem[];
let sandbox: PythonSandbox;
const servers: ScriptedChatServer[] = [];
const folders: string[] = [];

beforeAll(async () => {
  seeds = await seedSlice(14, 7);
  sandbox = await PythonSandbox.start({ pathVariable: process.env.PATH, poolSize: 4 });
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await sandbox?.close();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

async function teacherOn(options: Parameters<typeof startScriptedChatServer>[0]) {
  const server = await startScriptedChatServer(options);
  servers.push(server);
  const backend = await OpenAIChatBackend.connect({ ...FAST_HTTP, baseUrl: server.url, model: 'scripted-teacher' });
  const identity: ModelIdentity = { backend: 'openai-chat', name: 'scripted-teacher', url: server.url, contextSize: backend.info.contextSize, bos: false, details: {} };
  return { server, backend, identity };
}

function folder(): string {
  const path = mkdtempSync(join(tmpdir(), 'mathcoder-d0-'));
  folders.push(path);
  return path;
}

function expectedReasons(count: number): Record<string, number> {
  const expected: Record<string, number> = {};
  for (let index = 0; index < count; index += 1) {
    for (let sample = 0; sample < SAMPLES; sample += 1) {
      const reason = D0_EXPECTED_REASON[d0Kind(index, sample)];
      expected[reason] = (expected[reason] ?? 0) + 1;
    }
  }
  return expected;
}

describe('data d0 against a scripted teacher (chat with a python tool)', () => {
  it('keeps exactly the solutions whose answer matches the reference, and counts every other outcome', async () => {
    const { server, backend, identity } = await teacherOn({ script: dataScript(seeds) });
    const outDir = folder();
    const outcome = await runD0({ outDir, seeds, inputs: [], config: CONFIG, teacher: backend, teacherIdentity: identity, sandbox, command: ['data', 'd0'] });
    const expected = expectedReasons(seeds.length);
    expect(outcome.stoppedEarly).toBeNull();
    expect(outcome.written).toBe(seeds.length * SAMPLES);
    expect(outcome.stats.reasons).toEqual(Object.fromEntries(Object.entries(expected).sort(([a], [b]) => a.localeCompare(b))));
    expect(outcome.stats.kept).toBe(expected.kept);
    // Every filter has been exercised.
    for (const reason of ['kept', 'wrong-answer', 'refusal', 'malformed-tool-call', 'no-answer', 'unfinished']) expect(expected[reason]).toBeGreaterThan(0);

    // Each attempt's reason is the one its script implies.
    const rows = ResultsFile.read(join(outDir, D0_FILES.attempts), parseD0Row).rows;
    for (const row of rows) expect(row.reason).toBe(D0_EXPECTED_REASON[d0Kind(seeds.findIndex((seed) => seed.id === row.id), row.sample)]);
    const malformed = rows.filter((row) => row.reason === 'malformed-tool-call');
    expect(malformed.every((row) => row.tool_calls.malformed === 1 && row.grades.strict.correct)).toBe(true);
    expect(rows.filter((row) => d0Kind(seeds.findIndex((seed) => seed.id === row.id), row.sample) === 'tool-error-then-correct').every((row) => row.blocks[2]!.content.includes('NameError'))).toBe(true);

    // Stats by source, MATH subject and level; tokens as the server counted them.
    const gsmKept = rows.filter((row) => row.source === 'gsm8k' && row.kept).length;
    expect(outcome.stats.bySource.gsm8k).toEqual({ kept: gsmKept, total: 14 * SAMPLES });
    expect(outcome.stats.bySource.math!.total).toBe(7 * SAMPLES);
    expect(Object.values(outcome.stats.bySubject).reduce((sum, count) => sum + count.total, 0)).toBe(7 * SAMPLES);
    expect(Object.keys(outcome.stats.byLevel).every((level) => /^Level [1-5]$/.test(level))).toBe(true);
    expect(outcome.stats.usage.requests).toBe(server.answered());
    expect(outcome.stats.usage.promptTokens).toBeGreaterThan(0);
    expect(outcome.stats.cost.usd).toBeCloseTo((outcome.stats.usage.promptTokens * 30 + outcome.stats.usage.completionTokens * 60) / 1e6, 10);

    // The kept examples: train_80k rows with provenance, each rendering and parsing back identically.
    const kept = readJsonlSync(outcome.keptPath).map(({ lineNumber, value }) => parseTrainingExample(value, `kept.jsonl:${lineNumber}`));
    expect(kept).toHaveLength(expected.kept!);
    for (const example of kept) {
      checkRoundTrip(example, example.id);
      expect(example.messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant']);
      expect(example.messages[1]!.content[0]!.content).toBe(`${example.question}\n`);
      expect(example.provenance).toMatchObject({ stage: 'd0', model: { role: 'teacher', backend: 'openai-chat', name: 'scripted-teacher' }, seedProblems: [expect.stringMatching(/^(gsm8k|math)-train\//)] });
      expect(example.answer).toBe(seeds.find((seed) => seed.id === example.provenance.seedProblems[0])!.answer);
    }
    expect(readFileSync(join(outDir, D0_FILES.report), 'utf8')).toContain('## Kept by MATH subject');

    // Run again: nothing to do, nothing asked.
    const before = server.requests.length;
    const again = await runD0({ outDir, seeds, inputs: [], config: CONFIG, teacher: backend, teacherIdentity: identity, sandbox, command: ['data', 'd0'] });
    expect(again).toMatchObject({ written: 0, skipped: seeds.length * SAMPLES });
    expect(server.requests.length).toBe(before);
    expect(again.stats.kept).toBe(expected.kept);
  });

  it('waits out a rate-limited teacher (429 with Retry-After) and finishes', async () => {
    const { server, backend, identity } = await teacherOn({ script: dataScript(seeds), rateLimit: { requests: 2, retryAfterSeconds: 1 } });
    const outcome = await runD0({ outDir: folder(), seeds: seeds.slice(0, 2), inputs: [], config: { ...CONFIG, samples: 1, concurrency: 1 }, teacher: backend, teacherIdentity: identity, sandbox, command: [] });
    expect(outcome).toMatchObject({ written: 2, failed: 0, stoppedEarly: null });
    const statuses = server.requests.map((request) => request.status);
    expect(statuses.slice(0, 3)).toEqual([429, 429, 200]);
    // The client waited the second the server asked for, not its 10 ms backoff.
    expect(server.requests[1]!.at - server.requests[0]!.at).toBeGreaterThanOrEqual(990);
    expect(server.requests[2]!.at - server.requests[1]!.at).toBeGreaterThanOrEqual(990);
  });

  it('refuses to resume with another teacher or other settings, naming the change', async () => {
    const { backend, identity } = await teacherOn({ script: dataScript(seeds) });
    const outDir = folder();
    await runD0({ outDir, seeds: seeds.slice(0, 1), inputs: [], config: { ...CONFIG, samples: 1 }, teacher: backend, teacherIdentity: identity, sandbox, command: [] });
    await expect(
      runD0({ outDir, seeds: seeds.slice(0, 1), inputs: [], config: { ...CONFIG, samples: 1, sampling: { ...CONFIG.sampling, temperature: 0 } }, teacher: backend, teacherIdentity: identity, sandbox, command: [] }),
    ).rejects.toThrow(/sampling\.temperature: 0\.7 → 0.*--force/);
    await expect(
      runD0({ outDir, seeds: seeds.slice(0, 1), inputs: [], config: { ...CONFIG, samples: 1 }, teacher: backend, teacherIdentity: { ...identity, name: 'gpt-4' }, sandbox, command: [] }),
    ).rejects.toThrow(/teacher name: "scripted-teacher" → "gpt-4"/);
  });
});
