import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRoundTrip } from '../../src/build-data/export-rows.js';
import { interpolationPairs } from '../../src/build-data/interpolation-pairs.js';
import { interpolationPrompt, judgePrompt, parseJudgeVerdict } from '../../src/build-data/interpolation-prompts.js';
import { d1Examples, readD1Rows, runD1, type D1Config } from '../../src/build-data/run-d1.js';
import type { SeedProblem } from '../../src/build-data/seed-problem.js';
import { parseTrainingExample } from '../../src/build-data/training-example.js';
import type { ModelIdentity } from '../../src/eval/run-manifest.js';
import { SPECIAL_TOKENS, SYSTEM_PROMPTS } from '../../src/format/index.js';
import { EmbeddedBackend } from '../../src/llm/embedded/embedded-backend.js';
import { OpenAIChatBackend } from '../../src/llm/http/openai-chat-backend.js';
import { PythonSandbox } from '../../src/sandbox/python-sandbox.js';
import { readJsonlSync } from '../../src/util/jsonl.js';
import { startScriptedChatServer, type ScriptedChatServer } from '../helpers/scripted-chat-server.js';
import { SIX_TIMES_SEVEN, scriptedTranscript } from '../helpers/tiny-gguf-scripts.js';
import { temporaryModelFolder, writeTinyGguf } from '../helpers/tiny-gguf.js';
import { dataScript, expectedDifficulty, expectedPairOutcome, newProblemNumbers, newProblemText } from './scripted-models.js';
import { seedSlice } from './seed-fixtures.js';

const PAIRS = 22;
const CONFIG: D1Config = {
  problems: PAIRS,
  pairSeed: 0,
  concurrency: 4,
  interpolation: { maxTokens: 512, temperature: 0.7, topP: 1, seed: 0 },
  teacherSyntax: 'mathcoder',
  judge: { enabled: true, filter: false, maxTokens: 128 },
  samples: 3,
  keep: 'all',
  sampling: { temperature: 0.7, topP: 1, seed: 0 },
  solve: { syntax: 'mathcoder', system: SYSTEM_PROMPTS.data, querySuffix: '\n', chatSystem: null, maxRounds: 6, maxTokensPerBlock: 512, deadlineMs: null, loopRepeats: 3, cellTimeoutMs: 10_000 },
  train: { system: SYSTEM_PROMPTS.data, querySuffix: '\n' },
  prices: { promptPerMillion: 30, completionPerMillion: 60 },
};

let seeds: SeedProblem[];
let sandbox: PythonSandbox;
let server: ScriptedChatServer;
let chat: OpenAIChatBackend;
const identity = (name: string, backend = 'openai-chat'): ModelIdentity => ({ backend, name, contextSize: 128_000, bos: false, details: {} });
const folders: string[] = [];

function folder(): string {
  const path = mkdtempSync(join(tmpdir(), 'mathcoder-d1-'));
  folders.push(path);
  return path;
}

beforeAll(async () => {
  seeds = await seedSlice(14, 7);
  sandbox = await PythonSandbox.start({ pathVariable: process.env.PATH, poolSize: 4 });
  server = await startScriptedChatServer({ script: dataScript(seeds) });
  chat = await OpenAIChatBackend.connect({ timeoutMs: 10_000, retries: 1, retryDelayMs: 10, baseUrl: server.url, model: 'scripted-teacher' });
});

afterAll(async () => {
  await server?.close();
  await sandbox?.close();
  for (const path of folders) rmSync(path, { recursive: true, force: true });
});

function tally<T>(items: readonly T[], key: (item: T) => string | null): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) {
    const name = key(item);
    if (name !== null) counts[name] = (counts[name] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

describe("the paper's prompts", () => {
  it('are verbatim, and the judge verdict is the last option named', () => {
    expect(interpolationPrompt('EASY', 'HARD')).toBe(
      'Please create a new problem, following the given example, "Example 1" is an easy problem and "Example 2" is much more difficult than "Example 1", the new problem should be harder than "Example 1" and simpler than "Example 2".\n\nExample 1: EASY\n\nExample 2: HARD',
    );
    expect(judgePrompt('A', 'B')).toBe('Which problem is more difficult?\n\nProblem 1: "A"\n\nProblem 2: "B"\n\nYou answer should be one of "Problem 1", "Problem 2" and "Tie".');
    expect(parseJudgeVerdict('Problem 1 is short, so Problem 2.')).toBe('problem-2');
    expect(parseJudgeVerdict('"Tie"')).toBe('tie');
    expect(parseJudgeVerdict('Hard to say.')).toBe('unparsed');
  });

  it('pairs are reproducible and extend when more are asked', () => {
    const ten = interpolationPairs(seeds, 10, 5);
    expect(interpolationPairs(seeds, 20, 5).slice(0, 10)).toEqual(ten);
    expect(ten.every((pair) => pair.gsm8k.source === 'gsm8k' && pair.math.source === 'math')).toBe(true);
    expect(new Set(ten.map((pair) => `${pair.gsm8k.id} ${pair.math.id}`)).size).toBeGreaterThan(5);
    expect(() => interpolationPairs(seeds.filter((seed) => seed.source === 'gsm8k'), 1, 0)).toThrow(/needs GSM8K and MATH seed problems/);
  });
});

describe('data d1 against a scripted teacher and student', () => {
  it('drops degenerate problems by reason, judges the rest, and keeps problems whose n solutions agree', async () => {
    const outDir = folder();
    const outcome = await runD1({ outDir, seeds, inputs: [], config: CONFIG, teacher: chat, teacherIdentity: identity('scripted-teacher'), student: chat, studentIdentity: identity('scripted-student'), sandbox, command: [] });
    const pairs = interpolationPairs(seeds, PAIRS, 0);
    const expected = pairs.map((pair) => expectedPairOutcome(pair, false));
    expect(outcome.stoppedEarly).toBeNull();
    expect(outcome.stats.dropped).toEqual(tally(expected, (entry) => entry.dropped));
    expect(outcome.stats.decisions).toEqual(tally(expected, (entry) => entry.decision));
    for (const reason of ['empty', 'copy-of-source', 'refusal', 'no-question', 'truncated']) expect(outcome.stats.dropped[reason]).toBeGreaterThan(0);
    for (const decision of ['kept', 'disagree', 'refusal']) expect(outcome.stats.decisions[decision]).toBeGreaterThan(0);
    const solved = pairs.filter((_, index) => expected[index]!.dropped === null);
    expect(outcome.stats.judge).toEqual({
      vsGsm8k: tally(solved, (pair) => expectedDifficulty(newProblemNumbers(pair.index).trays).vsGsm8k),
      vsMath: tally(solved, (pair) => expectedDifficulty(newProblemNumbers(pair.index).trays).vsMath),
    });
    const keptExamples = expected.reduce((sum, entry) => sum + (entry.decision === 'kept' ? entry.usable : 0), 0);
    expect(outcome.stats.keptExamples).toBe(keptExamples);
    expect(outcome.stats.student.malformedToolCalls).toBeGreaterThan(0);

    const rows = readD1Rows(outDir);
    // The labelled reply ("**New problem:** … Solution: …") is read down to the problem itself.
    for (const row of rows.interpolations.filter((entry) => entry.dropped === null)) expect(row.question).toBe(newProblemText(row.index));

    const kept = readJsonlSync(outcome.keptPath).map(({ lineNumber, value }) => parseTrainingExample(value, `kept.jsonl:${lineNumber}`));
    expect(kept).toHaveLength(keptExamples);
    for (const example of kept) {
      checkRoundTrip(example, example.id);
      const pair = pairs.find((candidate) => candidate.id === example.id.replace(/^d1\//, '').replace(/#\d+$/, ''))!;
      const { trays, muffins, sold } = newProblemNumbers(pair.index);
      expect(example).toMatchObject({ source: 'interpolation', reference: null, answer: String(trays * muffins - sold), question: newProblemText(pair.index) });
      expect(example.provenance).toMatchObject({
        stage: 'd1',
        model: { role: 'student', name: 'scripted-student' },
        seedProblems: [pair.gsm8k.id, pair.math.id],
        interpolation: { teacher: { role: 'teacher', name: 'scripted-teacher' }, prompt: interpolationPrompt(pair.gsm8k.question, pair.math.question), judge: expectedDifficulty(trays) },
      });
    }
    // --keep one: one example per kept problem.
    expect(d1Examples(outDir, { ...CONFIG, keep: 'one' }, identity('scripted-teacher'), identity('scripted-student'))).toHaveLength(outcome.stats.keptProblems);

    // Resumed: nothing is asked again.
    const before = server.requests.length;
    const again = await runD1({ outDir, seeds, inputs: [], config: CONFIG, teacher: chat, teacherIdentity: identity('scripted-teacher'), student: chat, studentIdentity: identity('scripted-student'), sandbox, command: [] });
    expect(again).toMatchObject({ written: 0, skipped: PAIRS });
    expect(server.requests.length).toBe(before);
  });

  it('filters by the judged difficulty band when asked', async () => {
    const outcome = await runD1({
      outDir: folder(),
      seeds,
      inputs: [],
      config: { ...CONFIG, judge: { ...CONFIG.judge, filter: true } },
      teacher: chat,
      teacherIdentity: identity('scripted-teacher'),
      student: chat,
      studentIdentity: identity('scripted-student'),
      sandbox,
      command: [],
    });
    const expected = interpolationPairs(seeds, PAIRS, 0).map((pair) => expectedPairOutcome(pair, true));
    expect(outcome.stats.dropped['outside-judged-band']).toBeGreaterThan(0);
    expect(outcome.stats.dropped).toEqual(tally(expected, (entry) => entry.dropped));
    expect(outcome.stats.decisions).toEqual(tally(expected, (entry) => entry.decision));
  });
});

describe('data d1 with the tiny GGUF as the student (embedded llama.cpp)', () => {
  const models = temporaryModelFolder();
  afterAll(() => models.remove());

  it('keeps the problems its three sampled, seeded solutions agree on', async () => {
    const modelPath = join(models.folder, 'student.gguf');
    writeTinyGguf({ path: modelPath, transcripts: [scriptedTranscript(SIX_TIMES_SEVEN)] });
    const student = await EmbeddedBackend.load({ modelPath, bos: true, requiredTokens: SPECIAL_TOKENS, contextSize: 1024, sequences: 2 });
    try {
      const outDir = folder();
      const outcome = await runD1({
        outDir,
        seeds,
        inputs: [],
        config: { ...CONFIG, problems: 4, concurrency: 2, judge: { enabled: false, filter: false, maxTokens: 64 } },
        teacher: chat,
        teacherIdentity: identity('scripted-teacher'),
        student,
        studentIdentity: identity('tiny', 'embedded'),
        sandbox,
        command: [],
      });
      // Pairs 0, 1 and 3 are usable problems (pair 2's reply is empty); the tiny model answers 42 every time.
      expect(outcome.stats).toMatchObject({ solved: 3, keptProblems: 3, keptExamples: 9, dropped: { empty: 1 }, judge: null });
      const kept = readJsonlSync(outcome.keptPath).map(({ value }) => parseTrainingExample(value, 'kept'));
      for (const example of kept) {
        expect(example.messages[2]!.content).toEqual(SIX_TIMES_SEVEN.blocks);
        expect(example.answer).toBe('42');
        expect(example.provenance.prompt).toEqual({ kind: 'completion', syntax: 'mathcoder', system: SYSTEM_PROMPTS.data, querySuffix: '\n' });
        checkRoundTrip(example, example.id);
      }
      expect(new Set(kept.map((example) => example.provenance.sampling.seed))).toEqual(new Set([0, 1, 2]));
    } finally {
      await student.close();
    }
  });
});
