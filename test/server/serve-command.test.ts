import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/cli.js';
import { SVAMP_TRAJECTORIES, makeReplayRun, temporaryFolder } from './replay-runs.js';

const temporary = temporaryFolder('mathcoder-serve-');
const runDir = join(temporary.folder, 'svamp');

beforeAll(async () => {
  await makeReplayRun(runDir, SVAMP_TRAJECTORIES, 3);
});

afterAll(() => temporary.remove());

describe('mathcoder serve and view', () => {
  it('serves runs on loopback, prints the URL first, solves nothing without a model, and stops on SIGTERM', async () => {
    const { child, firstLine } = await startCli(['serve', '--runs', runDir, '--port', '0']);
    try {
      const url = firstLine.trim();
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const health = (await (await fetch(new URL('/health', url))).json()) as { status: string; model: null; runs: number; sandbox: { activeSessions: number } };
      expect(health).toMatchObject({ status: 'ok', model: null, runs: 1, sandbox: { activeSessions: 0 } });
      const runs = (await (await fetch(new URL('/v1/runs', url))).json()) as { runs: Array<{ id: string; rows: number }> };
      expect(runs.runs).toMatchObject([{ id: 'svamp', rows: 3 }]);
      const solve = await fetch(new URL('/v1/solve', url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: 'What is 2 + 2?' }) });
      expect(solve.status).toBe(503);
      expect(((await solve.json()) as { error: { message: string } }).error.message).toMatch(/has no model: start it with --model/);

      // The same port again is a one-line error.
      const port = new URL(url).port;
      const busy = await runCli(['serve', '--port', port]);
      expect(busy.code).toBe(1);
      expect(busy.stderr).toBe(`mathcoder: port ${port} on 127.0.0.1 is in use: pick another with --port (0 takes a free one)\n`);
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });

  it('answers bad folders and hosts with one line and exit code 1', async () => {
    const empty = join(temporary.folder, 'empty');
    mkdirSync(empty);
    const cases: Array<[string[], RegExp]> = [
      [['view', join(temporary.folder, 'missing')], /^mathcoder: run folder .*missing: no such folder\n$/],
      [['view', empty], /^mathcoder: .*empty is not a run folder: it has no manifest\.json, and neither have its subfolders/],
      [['serve', '--host', '0.0.0.0', '--port', '0'], /^mathcoder: binding to 0\.0\.0\.0 lets other machines run code in the sandbox: give a bearer token with --token-file FILE \(or MATHCODER_TOKEN\)\n$/],
      [['serve', '--token-file', join(temporary.folder, 'no-token'), '--port', '0'], /^mathcoder: cannot read --token-file .*no-token: no such file\n$/],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(args);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
    const badPort = await runCli(['serve', '--port', '70000']);
    expect(badPort.code).toBe(1);
    expect(badPort.stderr).toBe("mathcoder: option '--port <n>' argument '70000' is invalid. --port must be a port number from 0 to 65535 (0 takes a free one).\n");
  });
});
