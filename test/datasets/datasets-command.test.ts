import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { startFileServer, type FileServer } from '../helpers/file-server.js';
import { REPO_ROOT, sharedPath } from '../helpers/shared.js';

const run = promisify(execFile);
const CLI = join(REPO_ROOT, 'dist', 'cli', 'main.js');
const servers: FileServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function mathcoder(env: Record<string, string>, ...args: string[]) {
  try {
    return { ...(await run(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } })), code: 0 };
  } catch (error) {
    return error as { stdout: string; stderr: string; code: number };
  }
}

describe('mathcoder datasets', () => {
  it('lists every set with its row count and where it is', async () => {
    const result = await mathcoder({}, 'datasets', '--data-dir', sharedPath('data'), '--json');
    const entries = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(entries.map((entry) => [entry.name, entry.rows, entry.inPaper])).toEqual([
      ['gsm8k', 1319, true], ['math', 5000, true], ['svamp', 1000, true], ['mathematics', 1000, true], ['simuleq', 514, true],
      ['math500', 500, false], ['asdiv', 2215, false], ['gsm-hard', 1319, false], ['mawps', 2065, false],
    ]);
    expect(entries[0].location).toEqual({ kind: 'data-dir', paths: [sharedPath('data', 'gsm8k', 'test.jsonl')] });
  });

  it('downloads a set from HF_ENDPOINT into MATHCODER_CACHE, then lists it as cached', async () => {
    const rows = Array.from({ length: 20 }, (_, index) => JSON.stringify({ input: `Q${index}`, target: index })).join('\n');
    const server = await startFileServer({ files: { '/datasets/reasoning-machines/gsm-hard/resolve/main/gsmhardv2.jsonl': rows } });
    servers.push(server);
    const env = { HF_ENDPOINT: server.url, MATHCODER_CACHE: mkdtempSync(join(tmpdir(), 'mc-cache-')) };
    const download = await mathcoder(env, 'datasets', 'download', 'gsm-hard');
    expect(download.code).toBe(0);
    expect(download.stdout).toMatch(/^gsm-hard: 20 rows \(hub cache: .*datasets--reasoning-machines--gsm-hard\/main\/gsmhardv2\.jsonl\)/);
    const list = await mathcoder(env, 'datasets');
    expect(list.stdout).toMatch(/gsm-hard\s+20\s+hub cache: /);
    const unknown = await mathcoder(env, 'datasets', 'download', 'gsm9k');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim()).toMatch(/^mathcoder: unknown dataset "gsm9k" \(did you mean gsm8k\?\)/);
  });
});
