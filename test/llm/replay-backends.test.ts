import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPECIAL_TOKENS } from '../../src/format/index.js';
import { OpenAIChatBackend } from '../../src/llm/http/openai-chat-backend.js';
import { OpenAICompletionsBackend, type StopMode } from '../../src/llm/http/openai-completions-backend.js';
import { TgiBackend } from '../../src/llm/http/tgi-backend.js';
import { chatBlocks } from '../../src/llm/replay-server/replay-chat-script.js';
import { startReplayServer, type ReplayProtocolName, type ReplayServer } from '../../src/llm/replay-server/replay-server.js';
import type { ModelBackend } from '../../src/llm/create-backend.js';
import { PythonSandbox } from '../../src/sandbox/python-sandbox.js';
import { solveProblem, type SolveResult } from '../../src/solve/index.js';
import { forEachConcurrent } from '../../src/util/concurrency.js';
import { modelBlocks, variedCases, type PublishedCase } from '../helpers/published-rows.js';
import { sharedPath } from '../helpers/shared.js';

const FILES = [
  sharedPath('trajectories', 'mathcoder-cl-7b', 'svamp.jsonl'),
  sharedPath('trajectories', 'mathcoder-cl-7b', 'simuleq.jsonl'),
  sharedPath('trajectories', 'mathcoder-cl-7b', 'mathematics.jsonl'),
  sharedPath('trajectories', 'mathcoder-l-7b', 'gsm8k.wrong.jsonl'),
  sharedPath('trajectories', 'mathcoder-l-7b', 'math.correct.jsonl'),
];

const HTTP = { timeoutMs: 20_000, retries: 0, retryDelayMs: 10 };
/** Some published cells ran into MathCoder's own 6 s timeout; a short limit keeps the test quick. */
const CELL_TIMEOUT_MS = 500;
/** Roomy enough for the longest trajectories with this project's (sometimes longer) execution outputs. */
const CONTEXT_SIZE = 65_536;

/** One case per question (the server replays a question's first row), leaving out cells that ran into MathCoder's own time limit (slow by nature). */
function uniqueCases(): PublishedCase[] {
  const seen = new Set<string>();
  return FILES.flatMap((file, index) => variedCases(file, { first: 1, unfinished: 1, consecutiveTexts: 1, loops: index < 2 ? 1 : 0 })).filter((entry) => {
    if (seen.has(entry.trajectory.question) || entry.trajectory.blocks.some((block) => block.content.includes('Timeout waiting for reply'))) return false;
    seen.add(entry.trajectory.question);
    return true;
  });
}

const cases = uniqueCases();
const longest = cases.reduce((a, b) => (b.trajectory.blocks.length > a.trajectory.blocks.length ? b : a));
const fewCases = [...new Set([cases.find((entry) => entry.trajectory.finished)!, cases.find((entry) => !entry.trajectory.finished)!, longest])];
let sandbox: PythonSandbox;

beforeAll(async () => {
  sandbox = await PythonSandbox.start({ pathVariable: process.env.PATH, poolSize: 4 });
});

afterAll(async () => {
  await sandbox?.close();
});

async function connect(protocol: ReplayProtocolName, server: ReplayServer, stopMode: StopMode = 'stop-strings'): Promise<ModelBackend> {
  if (protocol === 'openai-completions') return OpenAICompletionsBackend.connect({ ...HTTP, baseUrl: server.url, bos: true, stopMode, requiredTokens: SPECIAL_TOKENS });
  if (protocol === 'tgi') return TgiBackend.connect({ ...HTTP, baseUrl: server.url, bos: true, requiredTokens: SPECIAL_TOKENS });
  return OpenAIChatBackend.connect({ ...HTTP, baseUrl: server.url });
}

/** Solves every case through a backend (no loop detection, rounds enough for the longest published trajectory). */
async function solveAll(backend: ModelBackend, some: readonly PublishedCase[] = cases): Promise<SolveResult[]> {
  const results: SolveResult[] = new Array(some.length);
  await forEachConcurrent(some, 4, async (entry, index) => {
    results[index] = await solveProblem(entry.trajectory.question, backend, sandbox, { limits: { maxRounds: 64, loopRepeats: null }, cellTimeoutMs: CELL_TIMEOUT_MS });
  });
  return results;
}

function expectRebuilt(results: readonly SolveResult[], chat: boolean, some: readonly PublishedCase[] = cases): void {
  const differing = some.filter((entry, index) => {
    const published = chat ? chatBlocks(entry.trajectory.blocks) : entry.trajectory.blocks;
    return JSON.stringify(modelBlocks(results[index]!.blocks)) !== JSON.stringify(modelBlocks(published));
  });
  expect(differing.map((entry) => `${entry.file}:${entry.line}`)).toEqual([]);
  for (const result of results) {
    // Every code block is followed by the execution this project's sandbox printed for it.
    result.blocks.forEach((block, index) => {
      if (block.type === 'code') expect(result.blocks[index + 1]?.type).toBe('execution');
    });
  }
}

describe('solve through each protocol rebuilds the published trajectories exactly', () => {
  it('covers finished, unfinished, looping and multi-text trajectories from five files', () => {
    expect(cases.length).toBeGreaterThanOrEqual(12);
    expect(cases.some((entry) => !entry.trajectory.finished)).toBe(true);
    expect(cases.some((entry) => entry.trajectory.blocks.length >= 40)).toBe(true);
  });

  for (const [protocol, stopMode] of [
    ['openai-completions', 'stop-strings'],
    ['openai-completions', 'stop-token-ids'],
    ['tgi', 'stop-strings'],
  ] as const) {
    it(`${protocol}${protocol === 'openai-completions' ? ` (${stopMode})` : ''}`, async () => {
      const server = await startReplayServer({ files: FILES, protocol, contextSize: CONTEXT_SIZE });
      try {
        const backend = await connect(protocol, server, stopMode);
        expect(backend.info.specialTokenIds?.['<|endofblock|>']).toBe(32007);
        // Every case through one protocol; the others (stop token ids change only what the server is asked to stop
        // on, TGI only the request and stream shapes) on a finished, an unfinished and the longest trajectory.
        const some = protocol === 'openai-completions' && stopMode === 'stop-strings' ? cases : fewCases;
        const results = await solveAll(backend, some);
        expectRebuilt(results, false, some);
        some.forEach((entry, index) => expect(results[index]!.stopReason).toBe(entry.trajectory.finished ? 'finished' : 'eos'));
        const generations = server.requests.filter((request) => request.path === '/v1/completions' || request.path === '/generate');
        expect(generations.every((request) => request.status === 200)).toBe(true);
        if (protocol === 'tgi') {
          // Never TGI's silent left truncation.
          expect(generations.some((request) => JSON.stringify(request.body).includes('"truncate"'))).toBe(false);
        } else {
          const body = generations[0]!.body as Record<string, unknown>;
          expect(body).toMatchObject({ skip_special_tokens: false, spaces_between_special_tokens: false, max_tokens: 512, add_special_tokens: true });
          if (stopMode === 'stop-token-ids') expect(body).toMatchObject({ stop_token_ids: [32007, 32003] });
          else expect(body).toMatchObject({ stop: ['<|endofblock|>', '<|endofmessage|>'], include_stop_str_in_output: true });
        }
      } finally {
        await server.close();
      }
    });
  }

  it('openai-chat with the python tool (consecutive text blocks become one message)', async () => {
    const server = await startReplayServer({ files: FILES, protocol: 'openai-chat', contextSize: CONTEXT_SIZE });
    try {
      const backend = await connect('openai-chat', server);
      const results = await solveAll(backend);
      expectRebuilt(results, true);
      expect(results.every((result) => result.stopReason === 'finished' && result.syntax === 'chat')).toBe(true);
      const first = server.requests.find((request) => request.path === '/v1/chat/completions')!.body as { tools: Array<{ function: { name: string } }> };
      expect(first.tools.map((tool) => tool.function.name)).toEqual(['python']);
    } finally {
      await server.close();
    }
  });

  it('ToRA Markdown syntax through openai-completions', async () => {
    // Markdown cannot tell two adjacent text blocks apart, and ToRA's layout trims the text around fences.
    const markdownCases = cases.filter(({ trajectory }) =>
      trajectory.blocks.every((block, index) => !block.content.includes('```') && block.content.trim() === block.content && !(block.type === 'text' && trajectory.blocks[index + 1]?.type === 'text')),
    );
    expect(markdownCases.length).toBeGreaterThan(5);
    const server = await startReplayServer({ files: FILES, protocol: 'openai-completions', contextSize: CONTEXT_SIZE });
    try {
      const backend = await OpenAICompletionsBackend.connect({ ...HTTP, baseUrl: server.url, bos: true, stopMode: 'stop-strings', requiredTokens: [] });
      for (const entry of markdownCases.slice(0, 12)) {
        const result = await solveProblem(entry.trajectory.question, backend, sandbox, { syntax: 'tora', limits: { maxRounds: 64, loopRepeats: null }, cellTimeoutMs: CELL_TIMEOUT_MS });
        expect(modelBlocks(result.blocks)).toEqual(modelBlocks(entry.trajectory.blocks));
        expect(result.transcript!.startsWith('<|system|>\n')).toBe(true);
        if (entry.trajectory.blocks.some((block) => block.type === 'code')) expect(result.transcript).toContain('\n```output\n');
        expect(result.stopReason).toBe('finished');
      }
    } finally {
      await server.close();
    }
  });
});
