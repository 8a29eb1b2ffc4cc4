import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvalRow } from '../../src/eval/eval-row.js';
import { loadRun } from '../../src/eval/run-files.js';
import { startReplayServer, type ReplayServer } from '../../src/llm/replay-server/replay-server.js';
import { runCli } from '../helpers/cli.js';
import { sharedPath } from '../helpers/shared.js';

/**
 * `mathcoder eval` over three stand-in servers at once, one of which closes its port part-way through: every row
 * is finished, with the verdicts of a run on one server, and the requests each server answered add up.
 */

const SVAMP = sharedPath('trajectories', 'mathcoder-cl-7b', 'svamp.jsonl');
const DATA = sharedPath('data');
const LIMIT = 16;
/** Completion requests the failing server answers before it closes its port. */
const ANSWERED_BEFORE_FAILING = 8;

const folder = mkdtempSync(join(tmpdir(), 'mc-eval-servers-'));
let replays: ReplayServer[] = [];
let dying: { url: string; passed: () => number; closed: () => boolean; close: () => Promise<void> };

/** A server in front of a replay server that, once it has passed `answered` completion requests, drops every connection and closes its port. */
async function startDyingServer(inner: ReplayServer, answered: number): Promise<typeof dying> {
  let passed = 0;
  let closed = false;
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    if (request.url?.endsWith('/completions')) {
      if (passed >= answered) {
        if (!closed) {
          closed = true;
          server.close();
          server.closeAllConnections();
        }
        request.socket.destroy();
        return;
      }
      passed += 1;
    }
    inner.handle(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    passed: () => passed,
    closed: () => closed,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        if (closed) resolve();
        else server.close(() => resolve());
      }),
  };
}

beforeAll(async () => {
  replays = await Promise.all([0, 1, 2].map(() => startReplayServer({ files: [SVAMP], protocol: 'openai-completions', model: 'mathcoder-cl-7b' })));
  dying = await startDyingServer(replays[2]!, ANSWERED_BEFORE_FAILING);
});

afterAll(async () => {
  await dying?.close();
  await Promise.all(replays.map((replay) => replay.close()));
  rmSync(folder, { recursive: true, force: true });
});

const evalArgs = (out: string, servers: string[]) => [
  'eval', '--backend', 'openai-completions', ...servers.flatMap((url) => ['--base-url', url]), '--retries', '1',
  '--datasets', 'svamp', '--data-dir', DATA, '--limit', String(LIMIT), '--concurrency', '6', '--cell-timeout', '5', '--out', out,
];

/** What must not depend on which server answered: the trajectory's model text, the answers and the verdicts. */
function verdicts(rows: readonly EvalRow[]): Record<string, unknown> {
  return Object.fromEntries(
    [...rows]
      .sort((a, b) => a.key.localeCompare(b.key))
      .map((row) => [row.key, { status: row.status, stop: row.stop_reason, rounds: row.rounds, completion: row.completion, grades: row.grades, text: row.blocks.filter((block) => block.type !== 'execution').map((block) => block.content) }]),
  );
}

const completionsAnswered = (replay: ReplayServer) => replay.requests.filter((request) => request.path === '/v1/completions' && request.status === 200).length;

describe('mathcoder eval over several model servers', () => {
  it('finishes every row while one server dies, with the verdicts of one server, and per-server counts that add up', async () => {
    const single = join(folder, 'single');
    const one = await runCli(evalArgs(single, [replays[0]!.url]));
    expect(one.code, one.stderr).toBe(0);
    const alone = loadRun(single).rows;
    expect(alone).toHaveLength(LIMIT);

    const before = replays.map(completionsAnswered);
    const split = join(folder, 'split');
    const urls = [replays[0]!.url, replays[1]!.url, dying.url];
    const three = await runCli(evalArgs(split, urls));
    expect(three.code, three.stderr).toBe(0);
    expect(dying.closed()).toBe(true);
    expect(three.stderr).toContain(`mathcoder: ${dying.url} is out of rotation (`);

    const run = loadRun(split);
    expect(run.rows).toHaveLength(LIMIT);
    expect(run.rows.every((row) => row.status === 'done')).toBe(true);
    expect(verdicts(run.rows)).toEqual(verdicts(alone));
    expect(run.manifest.model).toMatchObject({ backend: 'openai-completions', name: 'mathcoder-cl-7b', urls });
    expect(run.manifest.model.url).toBeUndefined();

    // One invocation, three servers: what each answered, per the manifest, per the rows, and per the servers' own logs.
    const [invocation] = run.manifest.servers!;
    expect(run.manifest.servers).toHaveLength(1);
    const stats = new Map(invocation!.servers.map((server) => [server.url, server]));
    expect([...stats.keys()]).toEqual(urls);
    const perRow = new Map<string, number>();
    for (const row of run.rows) for (const [url, count] of Object.entries(row.servers ?? {})) perRow.set(url, (perRow.get(url) ?? 0) + count);
    for (const url of urls) expect(stats.get(url)!.requests, url).toBe(perRow.get(url) ?? 0);
    const total = run.rows.reduce((sum, row) => sum + row.rounds, 0);
    expect(invocation!.servers.reduce((sum, server) => sum + server.requests, 0)).toBe(total);
    expect(stats.get(replays[0]!.url)!.requests).toBe(completionsAnswered(replays[0]!) - before[0]!);
    expect(stats.get(replays[1]!.url)!.requests).toBe(completionsAnswered(replays[1]!) - before[1]!);
    expect(stats.get(dying.url)!.requests).toBeLessThanOrEqual(ANSWERED_BEFORE_FAILING);
    expect(stats.get(dying.url)).toMatchObject({ state: 'down', timesTakenOut: 1 });
    expect(stats.get(dying.url)!.failures).toBeGreaterThan(0);
    for (const url of urls.slice(0, 2)) expect(stats.get(url)).toMatchObject({ state: 'up', failures: 0 });
    expect(invocation!.servers.every((server) => server.requests > 0 && server.generatedTokens > 0)).toBe(true);

    // The report shows them: a Markdown table, and one JSON object per server.
    const markdown = readFileSync(join(split, 'report.md'), 'utf8');
    expect(markdown).toContain('## Model servers');
    for (const url of urls) expect(markdown).toContain(`| ${url} | ${stats.get(url)!.requests} |`);
    const json = await runCli(['report', split, '--format', 'json']);
    expect(json.code, json.stderr).toBe(0);
    const lines = json.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.filter((line) => 'server' in line).map((line) => [line.server, line.requests, line.failures])).toEqual(
      urls.map((url) => [url, stats.get(url)!.requests, stats.get(url)!.failures]),
    );
  });

  it('refuses servers of different models, on one line', async () => {
    const other = await startReplayServer({ files: [SVAMP], protocol: 'openai-completions', model: 'qwen2.5-math-7b', recordRequests: false });
    try {
      const out = join(folder, 'mixed');
      const urlsFile = join(folder, 'servers.txt');
      writeFileSync(urlsFile, `# the two servers\n${replays[1]!.url}\n\n${other.url}  # the other one\n`);
      const mixed = await runCli(['eval', '--backend', 'openai-completions', '--base-urls-file', urlsFile, '--datasets', 'svamp', '--data-dir', DATA, '--limit', '1', '--out', out]);
      expect(mixed.code).toBe(1);
      expect(mixed.stderr).toBe(
        `mathcoder: the model servers serve different models (${replays[1]!.url} serves mathcoder-cl-7b, ${other.url} serves qwen2.5-math-7b; GET /v1/models): give servers of one model\n`,
      );
    } finally {
      await other.close();
    }
  });
});
