import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type ModelBackend } from '../../src/llm/create-backend.js';
import { isPooledBackend } from '../../src/llm/pooled-backend.js';
import { startReplayServer, type ReplayServer } from '../../src/llm/replay-server/replay-server.js';
import type { ServerStats } from '../../src/llm/server-pool.js';
import { PythonSandbox } from '../../src/sandbox/python-sandbox.js';
import { solveProblem, type SolveResult } from '../../src/solve/index.js';
import { forEachConcurrent } from '../../src/util/concurrency.js';
import { modelBlocks, publishedCases } from '../helpers/published-rows.js';
import { sharedPath } from '../helpers/shared.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * Several stand-in servers used as one: published problems solved through the pool come out as published while
 * a server fails (answers 500, or drops connections) and after it comes back.
 */

const SVAMP = sharedPath('trajectories', 'mathcoder-cl-7b', 'svamp.jsonl');
const cases = publishedCases(SVAMP, 12).filter((entry) => entry.trajectory.finished);
const HTTP = { timeoutMs: 60_000, retries: 0, retryDelayMs: 10 };

type Mode = 'ok' | 'error-500' | 'reset';

/** A server in front of a replay server that answers 500, or drops every connection, while told to. */
async function startFront(inner: ReplayServer): Promise<{ url: string; mode: { value: Mode }; close: () => Promise<void> }> {
  const mode = { value: 'ok' as Mode };
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    if (mode.value === 'reset') return request.socket.destroy();
    if (mode.value === 'error-500') {
      request.resume();
      response.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'CUDA out of memory' } }));
      return;
    }
    inner.handle(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    mode,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let sandbox: PythonSandbox;
let replays: ReplayServer[] = [];

beforeAll(async () => {
  sandbox = await PythonSandbox.start({ pathVariable: process.env.PATH, poolSize: 2 });
  replays = await Promise.all([0, 1].map(() => startReplayServer({ files: [SVAMP], protocol: 'openai-completions', model: 'mathcoder-cl-7b', recordRequests: false })));
});

afterAll(async () => {
  await Promise.all(replays.map((replay) => replay.close()));
  await sandbox?.close();
});

function connectPool(urls: string[], events: string[]): Promise<ModelBackend> {
  return createBackend({
    kind: 'openai-completions',
    syntax: 'mathcoder',
    bos: true,
    baseUrls: urls,
    http: HTTP,
    pool: { firstBackoffMs: 20, maxBackoffMs: 100, onEvent: (message) => events.push(message) },
  });
}

async function solveCases(backend: ModelBackend, chosen = cases): Promise<SolveResult[]> {
  const results: SolveResult[] = new Array(chosen.length);
  await forEachConcurrent(chosen, 4, async (entry, index) => {
    results[index] = await solveProblem(entry.trajectory.question, backend, sandbox, { limits: { maxRounds: 32, loopRepeats: null }, cellTimeoutMs: 2_000 });
  });
  return results;
}

function expectPublished(results: readonly SolveResult[], chosen = cases): void {
  chosen.forEach((entry, index) => {
    expect(results[index]!.stopReason, results[index]!.error ?? '').toBe('finished');
    expect(modelBlocks(results[index]!.blocks)).toEqual(modelBlocks(entry.trajectory.blocks));
  });
}

function statsOf(backend: ModelBackend, url: string): ServerStats {
  if (!isPooledBackend(backend)) throw new Error('not a pool');
  return backend.pool.stats().find((stats) => stats.url === url)!;
}

describe('a pool of model servers', () => {
  it('spreads requests, moves a failing server\'s requests to the other, and takes it back once it answers', async () => {
    const front = await startFront(replays[1]!);
    const events: string[] = [];
    const backend = await connectPool([replays[0]!.url, front.url], events);
    try {
      expect(backend.info.model).toBe('mathcoder-cl-7b');
      expect(backend.info.details.servers).toBe(`${replays[0]!.url} ${front.url}`);
      const half = Math.ceil(cases.length / 2);
      expectPublished(await solveCases(backend, cases.slice(0, half)), cases.slice(0, half));
      const before = statsOf(backend, front.url);
      expect(statsOf(backend, replays[0]!.url).requests).toBeGreaterThan(0);
      expect(before.requests).toBeGreaterThan(0);

      front.mode.value = 'error-500';
      expectPublished(await solveCases(backend, cases.slice(half)), cases.slice(half));
      const failing = statsOf(backend, front.url);
      expect(failing.failures).toBeGreaterThan(0);
      expect(failing.timesTakenOut).toBeGreaterThan(0);
      expect(failing.lastError).toContain('HTTP 500');
      expect(events.some((event) => event.startsWith(`${front.url} is out of rotation (`) && event.includes('CUDA out of memory'))).toBe(true);

      front.mode.value = 'ok';
      await waitFor(async () => {
        expectPublished(await solveCases(backend, cases.slice(0, 1)), cases.slice(0, 1));
        return statsOf(backend, front.url).state === 'up';
      }, 'the failed server back in rotation');
      expect(events).toContain(`${front.url} is back in rotation`);
      const stats = isPooledBackend(backend) ? backend.pool.stats() : [];
      expect(stats.every((server) => server.generatedTokens > 0 && server.busyMs >= 0)).toBe(true);
    } finally {
      await backend.close();
      await front.close();
    }
  });

  it('fails a request only when every server has failed it, saying so on one line', async () => {
    const fronts = await Promise.all(replays.map(startFront));
    const backend = await connectPool(fronts.map((front) => front.url), []);
    try {
      for (const front of fronts) front.mode.value = 'error-500';
      const [result] = await solveCases(backend, cases.slice(0, 1));
      expect(result!.stopReason).toBe('backend_error');
      expect(result!.error).toMatch(/^no model server could answer \(2 servers, 2 out of rotation\); last failure: .*HTTP 500: CUDA out of memory$/);
    } finally {
      await backend.close();
      await Promise.all(fronts.map((front) => front.close()));
    }
  });

  it('starts without a server that is down, and connects it when it comes up', async () => {
    const front = await startFront(replays[1]!);
    front.mode.value = 'reset';
    const events: string[] = [];
    const backend = await connectPool([replays[0]!.url, front.url], events);
    try {
      expect(statsOf(backend, front.url)).toMatchObject({ state: 'down', timesTakenOut: 1 });
      expect(events[0]).toMatch(new RegExp(`^${front.url.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is out of rotation \\(.*closed the connection`));
      expectPublished(await solveCases(backend, cases.slice(0, 2)), cases.slice(0, 2));
      front.mode.value = 'ok';
      await waitFor(async () => {
        await solveCases(backend, cases.slice(0, 1));
        return statsOf(backend, front.url).requests > 0;
      }, 'the late server answering');
      expect(statsOf(backend, front.url).state).toBe('up');
    } finally {
      await backend.close();
      await front.close();
    }
  });

  it('pools chat servers too', async () => {
    const chats = await Promise.all([0, 1].map(() => startReplayServer({ files: [SVAMP], protocol: 'openai-chat', model: 'mathcoder-cl-7b', recordRequests: false })));
    const backend = await createBackend({ kind: 'openai-chat', syntax: 'mathcoder', bos: true, baseUrls: chats.map((chat) => chat.url), http: HTTP });
    try {
      expect(backend.protocol).toBe('chat');
      const results = await solveCases(backend, cases.slice(0, 4));
      expect(results.every((result) => result.stopReason === 'finished')).toBe(true);
      const stats = isPooledBackend(backend) ? backend.pool.stats() : [];
      expect(stats.map((server) => server.url)).toEqual(chats.map((chat) => chat.url));
      expect(stats.reduce((sum, server) => sum + server.requests, 0)).toBe(results.reduce((sum, result) => sum + result.rounds, 0));
    } finally {
      await backend.close();
      await Promise.all(chats.map((chat) => chat.close()));
    }
  });

  it('refuses servers of different models, and a server listed twice', async () => {
    const other = await startReplayServer({ files: [SVAMP], protocol: 'openai-completions', model: 'qwen2.5-math-7b', recordRequests: false });
    try {
      await expect(connectPool([replays[0]!.url, other.url], [])).rejects.toThrow(
        `the model servers serve different models (${replays[0]!.url} serves mathcoder-cl-7b, ${other.url} serves qwen2.5-math-7b; GET /v1/models): give servers of one model`,
      );
      await expect(connectPool([replays[0]!.url, `${replays[0]!.url}/`], [])).rejects.toThrow(/is listed twice .*: list each server once$/);
      // The special tokens are checked on every server, as with one.
      await expect(
        createBackend({ kind: 'openai-completions', syntax: 'mathcoder', bos: true, baseUrls: [replays[0]!.url, replays[1]!.url], http: HTTP }).then(async (backend) => {
          await backend.close();
          return backend.info.specialTokenIds?.['<|endofblock|>'];
        }),
      ).resolves.toBe(32007);
    } finally {
      await other.close();
    }
  });
});
