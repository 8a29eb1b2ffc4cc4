import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPECIAL_TOKENS } from '../../src/format/index.js';
import { EmbeddedBackend } from '../../src/llm/embedded/embedded-backend.js';
import { OpenAIChatBackend } from '../../src/llm/http/openai-chat-backend.js';
import { OpenAICompletionsBackend } from '../../src/llm/http/openai-completions-backend.js';
import { startReplayServer, type ReplayServer } from '../../src/llm/replay-server/replay-server.js';
import { PythonSandbox } from '../../src/sandbox/python-sandbox.js';
import { solveProblem, solveRecord, type SolveEvent } from '../../src/solve/index.js';
import { startFaultyServer } from '../helpers/faulty-server.js';
import { modelBlocks, publishedCases } from '../helpers/published-rows.js';
import { sharedPath } from '../helpers/shared.js';
import { STATEFUL_SQUARES, scriptedTranscript } from '../helpers/tiny-gguf-scripts.js';
import { temporaryModelFolder, writeTinyGguf } from '../helpers/tiny-gguf.js';

const FILE = sharedPath('trajectories', 'mathcoder-cl-7b', 'svamp.jsonl');
const rows = publishedCases(FILE, 300);
const looping = rows.find(({ trajectory }) => trajectory.blocks.filter((block) => block.type === 'code').length >= 10 && new Set(trajectory.blocks.filter((block) => block.type === 'code').map((block) => block.content.trim())).size <= 3)!;
const simple = rows[0]!;
const HTTP = { timeoutMs: 5_000, retries: 0, retryDelayMs: 5 };

let sandbox: PythonSandbox;
let replay: ReplayServer;

beforeAll(async () => {
  sandbox = await PythonSandbox.start({ pathVariable: process.env.PATH, poolSize: 2 });
  replay = await startReplayServer({ files: [FILE], protocol: 'openai-completions' });
});

afterAll(async () => {
  await replay?.close();
  await sandbox?.close();
});

function completions(extra: { bos?: boolean; contextSize?: number } = {}) {
  return OpenAICompletionsBackend.connect({ ...HTTP, baseUrl: replay.url, bos: extra.bos ?? true, stopMode: 'stop-strings', requiredTokens: SPECIAL_TOKENS, ...(extra.contextSize ? { contextSize: extra.contextSize } : {}) });
}

describe('the solve loop limits, each with its stop reason', () => {
  it('stops a model that writes the same code again and again, before running it the third time', async () => {
    expect(looping).toBeDefined();
    const result = await solveProblem(looping.trajectory.question, await completions(), sandbox, { limits: { maxRounds: 64 } });
    expect(result.stopReason).toBe('loop');
    const codes = result.blocks.filter((block) => block.type === 'code').map((block) => block.content.trim());
    expect(codes.filter((code) => code === codes.at(-1))).toHaveLength(3);
    expect(result.blocks.at(-1)?.type).toBe('code');
    // Up to the loop, the published trajectory exactly.
    expect(modelBlocks(result.blocks)).toEqual(modelBlocks(looping.trajectory.blocks).slice(0, modelBlocks(result.blocks).length));
  });

  it('counts generation calls as rounds (16 by default, as the released code)', async () => {
    const result = await solveProblem(looping.trajectory.question, await completions(), sandbox, { limits: { loopRepeats: null } });
    expect(result).toMatchObject({ stopReason: 'max_rounds', rounds: 16 });
    expect(modelBlocks(result.blocks)).toHaveLength(16);
  });

  it('counts tokens before each call and stops before the window is full, never cutting the question', async () => {
    const before = replay.requests.length;
    const result = await solveProblem(looping.trajectory.question, await completions({ contextSize: 1200 }), sandbox, { limits: { loopRepeats: null, maxRounds: 64 } });
    expect(result.stopReason).toBe('context_overflow');
    expect(result.tokens.total).toBeLessThanOrEqual(1200);
    expect(result.transcript).toContain(looping.trajectory.question);
    expect(replay.requests.slice(before).every((request) => request.status === 200)).toBe(true);
  });

  it('sends BOS as set, and counts it', async () => {
    const before = replay.requests.length;
    const withBos = await completions({ bos: true });
    const withoutBos = await completions({ bos: false });
    const [counted, uncounted] = await Promise.all([(await withBos.openSession()).countTokens('Hello'), (await withoutBos.openSession()).countTokens('Hello')]);
    expect(counted).toBe(uncounted + 1);
    await solveProblem(simple.trajectory.question, withoutBos, sandbox);
    const generations = replay.requests.slice(before).filter((request) => request.path === '/v1/completions');
    expect(generations.length).toBeGreaterThan(0);
    expect(generations.every((request) => (request.body as { add_special_tokens: boolean }).add_special_tokens === false)).toBe(true);
  });

  it('stops at the deadline even while the server is still thinking', async () => {
    const slow = await startFaultyServer({ faults: {}, always: { '/v1/completions': 'hang' }, inner: replay.handle, urlPath: '/v1' });
    try {
      const backend = await OpenAICompletionsBackend.connect({ ...HTTP, timeoutMs: 60_000, baseUrl: slow.url, bos: true, stopMode: 'stop-strings', requiredTokens: SPECIAL_TOKENS });
      const started = Date.now();
      const result = await solveProblem(simple.trajectory.question, backend, sandbox, { limits: { deadlineMs: 300 } });
      expect(result.stopReason).toBe('deadline');
      // The server never answers and the backend would wait 60 s for it: the deadline ended the solve.
      expect(Date.now() - started).toBeLessThan(30_000);
    } finally {
      await slow.close();
    }
  });

  it('reports blocks as they are written and records the trajectory as JSON with its stop reason', async () => {
    const events: SolveEvent[] = [];
    const result = await solveProblem(simple.trajectory.question, await completions(), sandbox, { onEvent: (event) => events.push(event) });
    const ended = events.filter((event) => event.type === 'block-end').map((event) => (event as { block: { type: string } }).block.type);
    expect(ended).toEqual(result.blocks.map((block) => block.type));
    const streamedCode = events.filter((event) => event.type === 'block-text' && event.blockType === 'code').map((event) => (event as { delta: string }).delta);
    expect(streamedCode.join('')).toBe(result.blocks.find((block) => block.type === 'code')!.content);
    const record = JSON.parse(JSON.stringify(solveRecord(result))) as Record<string, unknown>;
    expect(record).toMatchObject({ answer: result.answer, stop_reason: 'finished', rounds: result.rounds });
    expect((record.blocks as unknown[]).length).toBe(result.blocks.length);
  });
});

describe('the chat loop with a python tool', () => {
  it('turns tool calls into code blocks, tells the model about bad arguments, and ends on an answer without a call', async () => {
    const answers = [
      { content: 'Let me compute.', tool_calls: [{ id: 'a', type: 'function', function: { name: 'python', arguments: '{"code": "x = 6 * 7\\nx"}' } }], finish_reason: 'tool_calls' },
      { content: null, tool_calls: [{ id: 'b', type: 'function', function: { name: 'python', arguments: 'x + 1' } }], finish_reason: 'tool_calls' },
      { content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'python', arguments: '{"code": "x + 1"}' } }], finish_reason: 'tool_calls' },
      { content: 'So \\boxed{43}.', tool_calls: [], finish_reason: 'stop' },
    ];
    const seen: unknown[] = [];
    const server = createServer((request: IncomingMessage, response: ServerResponse) => {
      // The backend asks for the served models when it connects.
      if (request.method === 'GET' && request.url?.endsWith('/models')) {
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data: [{ id: 'teacher', object: 'model' }] }));
        return;
      }
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        seen.push(JSON.parse(body));
        const answer = answers[seen.length - 1]!;
        response.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: answer.content, tool_calls: answer.tool_calls }, finish_reason: answer.finish_reason }], usage: { prompt_tokens: 50, completion_tokens: 10 } }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const backend = await OpenAIChatBackend.connect({ ...HTTP, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, model: 'teacher' });
      const result = await solveProblem('What is six times seven, plus one?', backend, sandbox);
      expect(result.blocks.map(({ type, content }) => ({ type, content }))).toEqual([
        { type: 'text', content: 'Let me compute.' },
        { type: 'code', content: 'x = 6 * 7\nx' },
        { type: 'execution', content: '42' },
        { type: 'code', content: 'x + 1' },
        { type: 'execution', content: 'Error: the only tool is python, and it takes one argument, {"code": "<Python code>"}.' },
        { type: 'code', content: 'x + 1' },
        { type: 'execution', content: '43' },
        { type: 'text', content: 'So \\boxed{43}.' },
      ]);
      expect(result).toMatchObject({ answer: '43', stopReason: 'finished', syntax: 'chat', rounds: 4 });
      const last = seen.at(-1) as { messages: Array<{ role: string; tool_call_id?: string; content: string }> };
      expect(last.messages.filter((message) => message.role === 'tool').map((message) => [message.tool_call_id, message.content])).toEqual([
        ['a', '42'],
        ['b', 'Error: the only tool is python, and it takes one argument, {"code": "<Python code>"}.'],
        ['c', '43'],
      ]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('a problem on the embedded engine', () => {
  const folder = temporaryModelFolder();
  afterAll(() => folder.remove());

  it('keeps Python variables from one code block to the next', async () => {
    const modelPath = join(folder.folder, 'squares.gguf');
    writeTinyGguf({ path: modelPath, transcripts: [scriptedTranscript(STATEFUL_SQUARES)] });
    const backend = await EmbeddedBackend.load({ modelPath, bos: true, requiredTokens: SPECIAL_TOKENS });
    try {
      const result = await solveProblem(STATEFUL_SQUARES.question, backend, sandbox);
      expect(result.blocks.map(({ type, content }) => ({ type, content }))).toEqual(STATEFUL_SQUARES.blocks);
      expect(result).toMatchObject({ answer: '25', stopReason: 'finished' });
    } finally {
      await backend.close();
    }
  });
});
