import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MathcoderError } from '../../src/errors.js';
import { SPECIAL_TOKENS } from '../../src/format/index.js';
import { OpenAIChatBackend } from '../../src/llm/http/openai-chat-backend.js';
import { OpenAICompletionsBackend } from '../../src/llm/http/openai-completions-backend.js';
import { TgiBackend } from '../../src/llm/http/tgi-backend.js';
import { startReplayServer, type ReplayProtocolName, type ReplayServer } from '../../src/llm/replay-server/replay-server.js';
import { PythonSandbox } from '../../src/sandbox/python-sandbox.js';
import { solveProblem } from '../../src/solve/index.js';
import { closedPort, startFaultyServer, type Fault, type FaultyServer } from '../helpers/faulty-server.js';
import { modelBlocks, publishedCases } from '../helpers/published-rows.js';
import { sharedPath } from '../helpers/shared.js';

const FILE = sharedPath('trajectories', 'mathcoder-cl-7b', 'svamp.correct.jsonl');
const [problem] = publishedCases(FILE, 1);
const question = problem!.trajectory.question;
const FAST = { timeoutMs: 2_000, retries: 2, retryDelayMs: 5 };

let sandbox: PythonSandbox;
const servers: Array<ReplayServer | FaultyServer> = [];

beforeAll(async () => {
  sandbox = await PythonSandbox.start({ pathVariable: process.env.PATH, poolSize: 1 });
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await sandbox?.close();
});

async function faulty(protocol: ReplayProtocolName, faults: Record<string, ReadonlyArray<Fault | 'ok'>>, always: Record<string, Fault> = {}, contextSize?: number): Promise<FaultyServer> {
  const replay = await startReplayServer({ files: [FILE], protocol, ...(contextSize ? { contextSize } : {}) });
  const server = await startFaultyServer({ faults, always, inner: replay.handle, urlPath: protocol === 'tgi' ? '' : '/v1' });
  servers.push(replay, server);
  return server;
}

function completions(url: string, http = FAST, extra: { contextSize?: number } = {}) {
  return OpenAICompletionsBackend.connect({ ...http, ...extra, baseUrl: url, bos: true, stopMode: 'stop-strings', requiredTokens: SPECIAL_TOKENS });
}

async function failure(promise: Promise<unknown>): Promise<MathcoderError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(MathcoderError);
  expect((error as MathcoderError).message).not.toContain('\n');
  return error as MathcoderError;
}

describe('a model server that is down, errs, hangs or breaks off', () => {
  it('is a one-line error when nothing listens, at once: a refused connection is not retried', async () => {
    const port = await closedPort();
    const error = await failure(completions(`http://127.0.0.1:${port}/v1`));
    expect(error.kind).toBe('backend');
    // No "(3 attempts)": a refused connection is said at once, not retried.
    expect(error.message).toMatch(new RegExp(`^cannot connect to http://127\\.0\\.0\\.1:${port} \\(connection refused\\): is the model server running there\\?$`));
    await expect(TgiBackend.connect({ ...FAST, baseUrl: `http://127.0.0.1:${port}`, bos: true, requiredTokens: [] })).rejects.toThrow(/connection refused/);
  });

  it('retries 500 and 429 answers with backoff, then solves as if nothing happened', async () => {
    const server = await faulty('openai-completions', { '/v1/completions': ['error-500', 'error-429', 'ok', 'error-500'] });
    const result = await solveProblem(question, await completions(server.url), sandbox);
    expect(result.stopReason).toBe('finished');
    expect(modelBlocks(result.blocks)).toEqual(modelBlocks(problem!.trajectory.blocks));
    expect(server.counts.get('/v1/completions')).toBe(result.rounds + 3);
  });

  it('records a server that keeps failing as the problem\'s stop reason, with the server\'s message', async () => {
    const server = await faulty('openai-completions', {}, { '/v1/completions': 'error-500' });
    const result = await solveProblem(question, await completions(server.url), sandbox);
    expect(result.stopReason).toBe('backend_error');
    expect(result.error).toMatch(/\/v1\/completions answered HTTP 500: CUDA out of memory \(3 attempts\)$/);
    expect(result.blocks).toEqual([]);
  });

  it('gives up on a server that hangs, at the per-request timeout', async () => {
    const server = await faulty('tgi', {}, { '/generate': 'hang' });
    // The limit also covers connect's /info and /tokenize requests, which must answer within it on a busy machine.
    const backend = await TgiBackend.connect({ timeoutMs: 2_000, retries: 1, retryDelayMs: 5, baseUrl: server.url, bos: true, requiredTokens: SPECIAL_TOKENS });
    const result = await solveProblem(question, backend, sandbox);
    expect(result).toMatchObject({ stopReason: 'backend_error' });
    expect(result.error).toMatch(/did not answer within 2 s \(--request-timeout\) \(2 attempts\)$/);
  });

  it('retries an answer cut off mid-stream, and reports one that always is', async () => {
    const once = await faulty('openai-completions', { '/v1/completions': ['close-mid-answer'] });
    const streamed: string[] = [];
    const recovered = await solveProblem(question, await completions(once.url), sandbox, { onEvent: (event) => event.type === 'block-text' && streamed.push(event.delta) });
    expect(recovered.stopReason).toBe('finished');
    expect(modelBlocks(recovered.blocks)).toEqual(modelBlocks(problem!.trajectory.blocks));
    // What was shown of the broken answer is not shown again.
    expect(streamed.join('').split('Half an ans').length).toBe(2);

    const always = await faulty('openai-completions', {}, { '/v1/completions': 'close-mid-answer' });
    const broken = await solveProblem(question, await completions(always.url), sandbox);
    expect(broken.stopReason).toBe('backend_error');
    expect(broken.error).toMatch(/closed the stream before the answer ended/);

    const tgi = await faulty('tgi', {}, { '/generate': 'close-mid-answer' });
    const tgiResult = await solveProblem(question, await TgiBackend.connect({ ...FAST, baseUrl: tgi.url, bos: true, requiredTokens: SPECIAL_TOKENS }), sandbox);
    expect(tgiResult.stopReason).toBe('backend_error');
  });

  it('stops with context_overflow when the server says the prompt is too long', async () => {
    // The client is told a larger window than the server has, so the server's own check answers 400.
    const server = await faulty('openai-completions', {}, {}, 600);
    const result = await solveProblem(question, await completions(server.url, FAST, { contextSize: 100_000 }), sandbox);
    expect(result.stopReason).toBe('context_overflow');
    const chat = await faulty('openai-chat', {}, {}, 200);
    const chatResult = await solveProblem(question, await OpenAIChatBackend.connect({ ...FAST, baseUrl: chat.url }), sandbox);
    expect(chatResult.stopReason).toBe('context_overflow');
  });

  it('refuses TGI without BOS, since TGI always adds it', async () => {
    const error = await failure(TgiBackend.connect({ ...FAST, baseUrl: 'http://127.0.0.1:9', bos: false, requiredTokens: [] }));
    expect(error.message).toMatch(/--no-bos cannot be used with --backend tgi/);
  });
});
