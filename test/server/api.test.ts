import { appendFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MathcoderError } from '../../src/errors.js';
import { SYSTEM_PROMPTS } from '../../src/format/index.js';
import { createBackend, type ModelBackend } from '../../src/llm/create-backend.js';
import { startReplayServer, type ReplayServer } from '../../src/llm/replay-server/replay-server.js';
import { PythonSandbox } from '../../src/sandbox/python-sandbox.js';
import { RunCatalogue, SolveService, startServer, type HealthInfo, type RunningServer } from '../../src/server/index.js';
import { publishedCases } from '../helpers/published-rows.js';
import { waitFor } from '../helpers/wait-for.js';
import { sharedPath } from '../helpers/shared.js';
import { SVAMP_TRAJECTORIES, makeReplayRun, readRows, temporaryFolder } from './replay-runs.js';

const SLOW_QUESTION = 'How long is a nap that never ends?';
const RIGHT_SVAMP = sharedPath('trajectories', 'mathcoder-cl-7b', 'svamp.correct.jsonl');
const [published] = publishedCases(RIGHT_SVAMP, 1);

/** A published-format row whose code sleeps: the solve holds its slot (and a sandbox session) until cancelled. */
function slowRow(): string {
  const system = SYSTEM_PROMPTS.data;
  const row = {
    id: 'slow',
    messages: [
      { role: 'system', content: [{ type: 'text', content: system }] },
      { role: 'user', content: [{ type: 'text', content: SLOW_QUESTION }] },
    ],
    ground_truth: { answer: '1' },
    debug_result: [
      { role: 'system', content: system },
      { role: 'user', content: SLOW_QUESTION },
      { role: 'text', content: 'Let me wait and see.' },
      { role: 'code', content: 'import time\ntime.sleep(600)' },
      { role: 'execution', content: '' },
      { role: 'text', content: 'The answer is \\boxed{1}.' },
      { role: 'text', content: '1' },
    ],
    completion: '1',
  };
  return `${JSON.stringify(row)}\n`;
}

const temporary = temporaryFolder('mathcoder-api-');
const runsDir = join(temporary.folder, 'runs');
const runDir = join(runsDir, 'svamp');
let replay: ReplayServer;
let backend: ModelBackend;
let sandbox: PythonSandbox;
const servers: RunningServer[] = [];

async function serve(options: { concurrency?: number; maxWaiting?: number; token?: string } = {}): Promise<RunningServer> {
  const service = new SolveService({
    backend,
    syntax: 'mathcoder',
    sandbox,
    cellTimeoutMs: 120_000,
    solveQueue: { concurrency: options.concurrency ?? 2, maxWaiting: options.maxWaiting ?? 4 },
    executeQueue: { concurrency: 2, maxWaiting: 4 },
  });
  const server = await startServer({ host: '127.0.0.1', port: 0, token: options.token ?? null, runs: RunCatalogue.open([runsDir]), service, version: 'test', webAppDir: null });
  servers.push(server);
  return server;
}

/** Reads server-sent events until `until` says stop (or the stream ends); returns them in order. */
async function readEvents(response: Response, until: (event: string) => boolean = () => false): Promise<Array<{ event: string; data: unknown }>> {
  const events: Array<{ event: string; data: unknown }> = [];
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return events;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const lines = buffer.slice(0, end).split('\n');
      buffer = buffer.slice(end + 2);
      const event = lines.find((line) => line.startsWith('event: '))!.slice(7);
      const data = JSON.parse(lines.filter((line) => line.startsWith('data: ')).map((line) => line.slice(6)).join('\n')) as unknown;
      events.push({ event, data });
      if (until(event)) {
        await reader.cancel().catch(() => undefined);
        return events;
      }
    }
  }
}

function post(server: RunningServer, path: string, body: unknown, init: RequestInit = {}): Promise<Response> {
  return fetch(new URL(path, server.url), { method: 'POST', headers: { 'content-type': 'application/json', ...init.headers }, body: typeof body === 'string' ? body : JSON.stringify(body), ...(init.signal ? { signal: init.signal } : {}) });
}

/** A POST over node:http that keeps the answer even when the server answers before reading the whole body. */
function rawPost(url: URL, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    request.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
    request.end(body);
  });
}

async function health(server: RunningServer): Promise<HealthInfo> {
  return (await (await fetch(new URL('/health', server.url))).json()) as HealthInfo;
}

beforeAll(async () => {
  await makeReplayRun(runDir, SVAMP_TRAJECTORIES, 12);
  const slowFile = join(temporary.folder, 'slow.jsonl');
  writeFileSync(slowFile, slowRow());
  replay = await startReplayServer({ files: [RIGHT_SVAMP, slowFile], protocol: 'openai-completions' });
  backend = await createBackend({ kind: 'openai-completions', syntax: 'mathcoder', bos: true, baseUrl: replay.url });
  sandbox = await PythonSandbox.start({ pathVariable: process.env.PATH, poolSize: 1 });
});

afterAll(async () => {
  for (const server of servers) await server.close();
  await sandbox?.close();
  await backend?.close();
  await replay?.close();
  temporary.remove();
});

describe('runs', () => {
  it('lists runs, serves metrics, pages and filters problems in dataset order', async () => {
    const server = await serve();
    const rows = readRows(runDir);
    const wrong = rows.filter((row) => !row.grades.strict.correct);
    const list = (await (await fetch(new URL('/v1/runs', server.url))).json()) as { runs: Array<{ id: string; rows: number; datasets: Array<{ accuracy: { strict: number }; paperAccuracy: number }> }> };
    expect(list.runs).toHaveLength(1);
    expect(list.runs[0]).toMatchObject({ id: 'svamp', rows: 12 });
    expect(list.runs[0]!.datasets[0]!.accuracy.strict).toBeCloseTo((rows.length - wrong.length) / rows.length);
    expect(list.runs[0]!.datasets[0]!.paperAccuracy).toBe(0.707);

    const page = (await (await fetch(new URL('/v1/runs/svamp/problems?offset=5&limit=5', server.url))).json()) as { total: number; items: Array<{ key: string }> };
    expect(page.total).toBe(12);
    expect(page.items.map((item) => item.key)).toEqual(rows.slice(5, 10).map((row) => row.key));

    const wrongPage = (await (await fetch(new URL('/v1/runs/svamp/problems?correct=false&limit=500', server.url))).json()) as { total: number; items: Array<{ key: string }> };
    expect(wrongPage.total).toBe(wrong.length);
    expect(wrongPage.items.map((item) => item.key)).toEqual(wrong.map((row) => row.key));

    const words = rows[3]!.question.split(' ').slice(2, 5).join(' ').toUpperCase();
    const found = (await (await fetch(new URL(`/v1/runs/svamp/problems?q=${encodeURIComponent(words)}`, server.url))).json()) as { items: Array<{ key: string }> };
    expect(found.items.map((item) => item.key)).toContain(rows[3]!.key);

    const second = wrong[1]!;
    const detail = (await (await fetch(new URL(`/v1/runs/svamp/problems/${encodeURIComponent(second.key)}?correct=false`, server.url))).json()) as { row: { key: string; blocks: unknown[] }; position: number; previous: string; next: string | null };
    expect(detail).toMatchObject({ position: 1, previous: wrong[0]!.key, next: wrong[2]?.key ?? null });
    expect(detail.row.blocks).toEqual(second.blocks);
  });

  it('reads a run again when its results change', async () => {
    const server = await serve();
    const rows = readRows(runDir);
    const copy = { ...rows[0]!, id: `${rows[0]!.id}-again`, key: `${rows[0]!.id}-again#0` };
    appendFileSync(join(runDir, 'results.jsonl'), `${JSON.stringify(copy)}\n`);
    const detail = (await (await fetch(new URL('/v1/runs/svamp', server.url))).json()) as { rows: number };
    expect(detail.rows).toBe(rows.length + 1);
    writeFileSync(join(runDir, 'results.jsonl'), rows.map((row) => JSON.stringify(row)).join('\n') + '\n');
  });
});

describe('request validation', () => {
  it('answers bad requests with a 4xx and a one-line JSON error that says what to fix', async () => {
    const server = await serve();
    const cases: Array<[string, string, unknown, number, RegExp]> = [
      ['POST', '/v1/solve', '{"question": ', 400, /body is not valid JSON/],
      ['POST', '/v1/solve', '', 400, /body is empty/],
      ['POST', '/v1/solve', {}, 400, /field question is required/],
      ['POST', '/v1/solve', { question: '   ' }, 400, /field question must not be empty/],
      ['POST', '/v1/solve', { question: 'x', max_rounds: 0 }, 400, /field max_rounds/],
      ['POST', '/v1/solve', { question: 'x', temperature: 'hot' }, 400, /field temperature/],
      ['POST', '/v1/solve', { question: 'x', system: 'chatty' }, 400, /field system must be one of data, boxed, empty/],
      ['POST', '/v1/solve', { question: 'x', colour: 'red' }, 400, /unknown field colour/],
      ['POST', '/v1/solve', [1, 2], 400, /must be a JSON object/],
      ['POST', '/v1/execute', {}, 400, /field code is required/],
      ['POST', '/v1/execute', { code: '1', setup: 'a = 1' }, 400, /field setup/],
      ['GET', '/v1/solve', undefined, 405, /takes POST/],
      ['GET', '/v1/runs/nope', undefined, 404, /no run "nope"/],
      ['GET', '/v1/runs/svamp/problems?correct=maybe', undefined, 400, /correct must be one of true, false/],
      ['GET', '/v1/runs/svamp/problems?limit=100000', undefined, 400, /limit must be between 1 and 500/],
      ['GET', '/v1/runs/svamp/problems?colour=red', undefined, 400, /unknown query parameter colour/],
      ['GET', '/v1/runs/svamp/problems/svamp%2Fnope%230', undefined, 404, /has no problem svamp\/nope#0/],
      ['GET', '/v1/compare?a=svamp', undefined, 400, /needs two runs/],
      ['GET', '/v1/nothing', undefined, 404, /no such endpoint/],
    ];
    for (const [method, path, body, status, message] of cases) {
      const response = await fetch(new URL(path, server.url), {
        method,
        ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      const answer = (await response.json()) as { error: { code: string; message: string } };
      expect(response.status, `${method} ${path}`).toBe(status);
      expect(answer.error.message, `${method} ${path}`).toMatch(message);
      expect(answer.error.message).not.toContain('\n');
    }
    // Over the body limit: answered from the Content-Length, before the body is read.
    const large = await rawPost(new URL('/v1/solve', server.url), JSON.stringify({ question: 'x'.repeat(2 * 1024 * 1024) }));
    expect(large.status).toBe(413);
    expect(JSON.parse(large.body)).toEqual({ error: { code: 'too-large', message: 'the request body is over 1024 KiB' } });
  });

  it('needs the bearer token when started with one, and a token to bind beyond loopback', async () => {
    const server = await serve({ token: 'open sesame' });
    const runs = new URL('/v1/runs', server.url);
    expect((await fetch(runs)).status).toBe(401);
    expect((await fetch(runs, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const refused = (await (await fetch(runs)).json()) as { error: { message: string } };
    expect(refused.error.message).toMatch(/needs a bearer token/);
    expect((await fetch(runs, { headers: { authorization: 'Bearer open sesame' } })).status).toBe(200);
    expect((await fetch(new URL('/health', server.url))).status).toBe(200);

    const service = new SolveService({ backend, syntax: 'mathcoder', sandbox, cellTimeoutMs: 1000, solveQueue: { concurrency: 1, maxWaiting: 0 }, executeQueue: { concurrency: 1, maxWaiting: 0 } });
    const exposed = startServer({ host: '0.0.0.0', port: 0, token: null, runs: RunCatalogue.open([runsDir]), service, version: 'test', webAppDir: null });
    await expect(exposed).rejects.toThrow(MathcoderError);
    await expect(exposed).rejects.toThrow(/give a bearer token with --token/);
  });
});

describe('solving', () => {
  it('returns the trajectory as JSON', async () => {
    const server = await serve();
    const response = await post(server, '/v1/solve', { question: published!.trajectory.question });
    expect(response.status).toBe(200);
    const record = (await response.json()) as { answer: string; stop_reason: string; blocks: Array<{ type: string; content: string }> };
    expect(record.stop_reason).toBe('finished');
    expect(record.blocks.map((block) => block.type)).toEqual(published!.trajectory.blocks.map((block) => block.type));
    expect(record.blocks[1]!.content).toBe(published!.trajectory.blocks[1]!.content);
    expect(record.answer).toBe('51');
  });

  it('streams it block by block as server-sent events', async () => {
    const server = await serve();
    const response = await post(server, '/v1/solve', { question: published!.trajectory.question, stream: true });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = await readEvents(response);
    expect(events[0]!.event).toBe('start');
    expect(events[events.length - 1]!.event).toBe('result');
    const result = events[events.length - 1]!.data as { answer: string; blocks: Array<{ type: string; content: string }> };
    expect(result.answer).toBe('51');
    // The text of each block arrives before its block-end, and adds up to the block.
    const streamed: string[] = [];
    const ended: string[] = [];
    for (const { event, data } of events) {
      if (event === 'block-start') streamed.push('');
      if (event === 'block-text') streamed[streamed.length - 1] += (data as { delta: string }).delta;
      if (event === 'block-end') ended.push((data as { block: { content: string } }).block.content);
    }
    expect(ended).toEqual(result.blocks.map((block) => block.content));
    expect(streamed).toEqual(ended);
    expect(events.filter((event) => event.event === 'round-end').length).toBeGreaterThanOrEqual(2);
  });

  it('runs an edited cell after replaying the cells before it, in a session it then closes', async () => {
    const server = await serve();
    const baseline = sandbox.activeSessions;
    const ok = (await (await post(server, '/v1/execute', { setup: ['a = 6', 'b = a + 1'], code: 'print(a * b)' })).json()) as { output: string; execution: { status: string; executionCount: number }; setup: Array<{ status: string }> };
    expect(ok).toMatchObject({ output: '42', execution: { status: 'ok', executionCount: 3 }, setup: [{ status: 'ok' }, { status: 'ok' }] });
    const failed = (await (await post(server, '/v1/execute', { code: 'print(undefined_name)' })).json()) as { output: string; execution: { status: string } };
    expect(failed.execution.status).toBe('error');
    expect(failed.output).toContain("NameError: name 'undefined_name' is not defined");
    expect(sandbox.activeSessions).toBe(baseline);
  });
});

describe('queue and cancellation', () => {
  it('refuses solves past the queue with 429 under a burst of loopback requests, and frees everything when they are cancelled', async () => {
    const server = await serve({ concurrency: 1, maxWaiting: 2 });
    const baseline = sandbox.activeSessions;
    const controllers = Array.from({ length: 12 }, () => new AbortController());
    const responses = await Promise.all(controllers.map((controller) => post(server, '/v1/solve', { question: SLOW_QUESTION, stream: true }, { signal: controller.signal })));
    const accepted = responses.filter((response) => response.status === 200);
    const refused = responses.filter((response) => response.status === 429);
    expect(accepted).toHaveLength(3);
    expect(refused).toHaveLength(9);
    for (const response of refused) {
      expect(response.headers.get('retry-after')).toBe('1');
      expect(((await response.json()) as { error: { message: string } }).error.message).toBe('the solve queue is full (1 running, 2 waiting): try again later');
    }
    const firstEvents = await Promise.all(accepted.map((response) => readEvents(response, () => true)));
    expect(firstEvents.map((events) => events[0]!.event).sort()).toEqual(['queued', 'queued', 'start']);
    // The running solve reaches its sleeping cell: one sandbox session more.
    await waitFor(() => sandbox.activeSessions === baseline + 1, 'the running solve to open its session');
    expect((await health(server)).solveQueue).toMatchObject({ running: 1, waiting: 2 });

    for (const controller of controllers) controller.abort();
    await waitFor(async () => sandbox.activeSessions === baseline && (await health(server)).solveQueue.running === 0, 'the cancelled solves to close their sessions');
    expect((await health(server)).solveQueue).toMatchObject({ running: 0, waiting: 0 });
  });

  it('cancels a streamed solve when its client goes away, closing its sandbox session', async () => {
    const server = await serve();
    const baseline = sandbox.activeSessions;
    const controller = new AbortController();
    const response = await post(server, '/v1/solve', { question: SLOW_QUESTION, stream: true }, { signal: controller.signal });
    // Read until the code block has ended (the text block, then the code): the solve is running its cell.
    let ended = 0;
    const events = await readEvents(response, (event) => event === 'block-end' && ++ended === 2);
    expect(events.some((event) => event.event === 'block-start')).toBe(true);
    await waitFor(() => sandbox.activeSessions === baseline + 1, 'the sleeping cell');
    controller.abort();
    // The cell sleeps for 10 minutes and its time limit is 2: the session can only close within one minute
    // because the solve was cancelled.
    await waitFor(() => sandbox.activeSessions === baseline, 'the session to close', 60_000);
    await waitFor(async () => (await health(server)).solveQueue.running === 0, 'the slot to free');
  });

  it('cancels a JSON solve when its connection closes', async () => {
    const server = await serve();
    const baseline = sandbox.activeSessions;
    const body = JSON.stringify({ question: SLOW_QUESTION });
    const request = httpRequest(new URL('/v1/solve', server.url), { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } });
    request.on('error', () => undefined);
    request.end(body);
    await waitFor(() => sandbox.activeSessions === baseline + 1, 'the sleeping cell');
    request.destroy();
    await waitFor(() => sandbox.activeSessions === baseline, 'the session to close');
    await waitFor(async () => (await health(server)).solveQueue.running === 0, 'the slot to free');
  });
});

/** A request with the headers a browser (or a rebound DNS name) would send: fetch cannot set Host. */
function rawRequest(server: RunningServer, method: string, path: string, headers: Record<string, string>, body = ''): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(new URL(path, server.url), { method, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

describe('a loopback server and the web pages in the user browser', () => {
  it('answers only to loopback host names: a rebound DNS name can neither read runs nor run code', async () => {
    const server = await serve();
    const port = new URL(server.url).port;
    for (const path of ['/health', '/v1/runs', '/']) {
      const rebound = await rawRequest(server, 'GET', path, { host: `evil.example:${port}` });
      expect(rebound.status, path).toBe(403);
      expect(JSON.parse(rebound.body).error.message).toMatch(/answers only to loopback names; start it with --allowed-host NAME/);
    }
    const execute = await rawRequest(server, 'POST', '/v1/execute', { host: `evil.example:${port}`, 'content-type': 'application/json' }, JSON.stringify({ code: 'open("/tmp/pwned", "w")' }));
    expect(execute.status).toBe(403);
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) expect((await rawRequest(server, 'GET', '/health', { host })).status, host).toBe(200);
  });

  it('refuses requests from pages of other sites, and bodies that are not JSON', async () => {
    const server = await serve();
    const port = new URL(server.url).port;
    const baseline = sandbox.activeSessions;
    const crossSite = await rawRequest(server, 'POST', '/v1/execute', { host: `127.0.0.1:${port}`, origin: 'http://evil.example', 'content-type': 'text/plain' }, JSON.stringify({ code: '1 + 1' }));
    expect(crossSite.status).toBe(403);
    expect(JSON.parse(crossSite.body).error.code).toBe('forbidden-origin');
    const read = await rawRequest(server, 'GET', '/v1/runs', { host: `127.0.0.1:${port}`, origin: 'https://evil.example' });
    expect(read.status).toBe(403);
    const plain = await rawRequest(server, 'POST', '/v1/execute', { host: `127.0.0.1:${port}`, 'content-type': 'text/plain' }, JSON.stringify({ code: '1 + 1' }));
    expect(plain.status).toBe(415);
    // The server's own pages are welcome.
    const own = await rawRequest(server, 'POST', '/v1/execute', { host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}`, 'content-type': 'application/json' }, JSON.stringify({ code: '1 + 1' }));
    expect(own.status).toBe(200);
    expect(JSON.parse(own.body).output).toBe('2');
    expect(sandbox.activeSessions).toBe(baseline);
  });

  it('gives the setup cells and the cell of POST /v1/execute one time budget together', async () => {
    const server = await serve();
    const setup = Array.from({ length: 6 }, () => 'import time\ntime.sleep(1)');
    const answer = (await (await post(server, '/v1/execute', { setup, code: 'print("never")', timeout_seconds: 2 })).json()) as { output: string; execution: { status: string }; setup: Array<{ status: string; output: string }> };
    // At most two one-second cells fit in two seconds: the rest never ran.
    expect(answer.setup.slice(2).every((cell) => cell.status === 'timeout')).toBe(true);
    expect(answer.setup.at(-1)!.output).toMatch(/not run: the time budget of 2 s for the setup cells and the cell was spent/);
    expect(answer.execution.status).toBe('timeout');
    expect(answer.output).not.toContain('never');
  });
});
