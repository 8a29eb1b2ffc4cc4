import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterEach, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/datasets/index.js';
import { hubCachePath } from '../../src/hub/hub-file.js';
import { startFileServer, type FileServer } from '../helpers/file-server.js';

/** Dataset downloads against a real HTTP server on 127.0.0.1 serving files in the hub's layout. */
const servers: FileServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const gsm8kRows = Array.from({ length: 400 }, (_, index) => ({ question: `Question ${index}: what is ${index} + 1?`, answer: `${index} + 1 = ${index + 1}\n#### ${index + 1}` }));
const gsm8kParquet = Buffer.from(
  parquetWriteBuffer({
    columnData: [
      { name: 'question', data: gsm8kRows.map((row) => row.question), type: 'STRING' },
      { name: 'answer', data: gsm8kRows.map((row) => row.answer), type: 'STRING' },
    ],
  }),
);
const gsmHardJsonl = Array.from({ length: 50 }, (_, index) => JSON.stringify({ input: `Hard ${index}`, code: 'def solution(): ...', target: index * 1000.5 })).join('\n');

const GSM8K_PATH = '/datasets/openai/gsm8k/resolve/main/main/test-00000-of-00001.parquet';
const GSM_HARD_PATH = '/datasets/reasoning-machines/gsm-hard/resolve/main/gsmhardv2.jsonl';

async function serve(options: Parameters<typeof startFileServer>[0]): Promise<FileServer> {
  const server = await startFileServer(options);
  servers.push(server);
  return server;
}

describe('downloading a dataset from the hub', () => {
  it('downloads a Parquet file (snappy, as the hub stores it), caches it, and reads it again without the network', async () => {
    const server = await serve({ files: { [GSM8K_PATH]: gsm8kParquet } });
    const cacheDir = mkdtempSync(join(tmpdir(), 'mc-hub-'));
    const hub = { endpoint: server.url, cacheDir };
    const progress: number[] = [];
    const first = await loadDataset('gsm8k', { dataDir: join(cacheDir, 'datasets'), hub, onDownloadProgress: (p) => progress.push(p.receivedBytes) });
    expect(first.location.kind).toBe('hub-cache');
    expect(first.problems).toHaveLength(400);
    expect(first.problems[7]).toMatchObject({ answer: '8', question: 'Question 7: what is 7 + 1?' });
    expect(progress.at(-1)).toBe(gsm8kParquet.length);
    const second = await loadDataset('gsm8k', { dataDir: join(cacheDir, 'datasets'), hub });
    expect(second.problems.map((problem) => problem.id)).toEqual(first.problems.map((problem) => problem.id));
    expect(server.requests).toHaveLength(1);
  });

  it('sends HF_TOKEN as a bearer token', async () => {
    const server = await serve({ files: { [GSM_HARD_PATH]: gsmHardJsonl }, requireToken: 'hf_secret' });
    const cacheDir = mkdtempSync(join(tmpdir(), 'mc-hub-'));
    await expect(loadDataset('gsm-hard', { dataDir: cacheDir, hub: { endpoint: server.url, cacheDir }, retries: 0 })).rejects.toThrow(/refused \(HTTP 401\).*set HF_TOKEN/);
    const dataset = await loadDataset('gsm-hard', { dataDir: cacheDir, hub: { endpoint: server.url, cacheDir, token: 'hf_secret' } });
    expect(dataset.problems[3]!.answer).toBe('3001.5');
    expect(server.requests.at(-1)!.authorization).toBe('Bearer hf_secret');
  });

  it('a download that breaks off half-way leaves no file under the final name and resumes next time', async () => {
    const server = await serve({ files: { [GSM8K_PATH]: gsm8kParquet }, breakAfterBytes: 2_000 });
    const cacheDir = mkdtempSync(join(tmpdir(), 'mc-hub-'));
    const hub = { endpoint: server.url, cacheDir };
    const final = hubCachePath(cacheDir, { repoType: 'dataset', repo: 'openai/gsm8k', path: 'main/test-00000-of-00001.parquet' });
    await expect(loadDataset('gsm8k', { dataDir: cacheDir, hub, retries: 0 })).rejects.toThrow(/gsm8k: .*broke off.*next run resumes from there; to work offline, put gsm8k\/test\.jsonl under a folder and pass --data-dir/);
    expect(existsSync(final)).toBe(false);
    expect(readdirSync(join(final, '..'))).toEqual(['test-00000-of-00001.parquet.part']);
    const dataset = await loadDataset('gsm8k', { dataDir: cacheDir, hub, retries: 0 });
    expect(dataset.problems).toHaveLength(400);
    expect(server.requests.at(-1)!.range).toBe('bytes=2000-');
  });

  it('an offline machine gets a message naming --data-dir', async () => {
    const server = await serve({ files: {} });
    const endpoint = server.url;
    await server.close();
    servers.length = 0;
    const cacheDir = mkdtempSync(join(tmpdir(), 'mc-hub-'));
    await expect(loadDataset('math500', { dataDir: join(cacheDir, 'datasets'), hub: { endpoint, cacheDir }, retries: 0 })).rejects.toThrow(
      /^math500: cannot reach 127\.0\.0\.1:\d+ \(connection refused\); to work offline, put math\/math500\.jsonl under a folder and pass --data-dir/,
    );
  });
});
