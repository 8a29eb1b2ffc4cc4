import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { downloadFile } from '../../src/hub/download.js';
import { downloadHubFile } from '../../src/hub/download-hub-file.js';
import { hubConfigFromEnvironment } from '../../src/hub/hub-config.js';
import { hubCachePath, hubFileUrl, parseHubReference } from '../../src/hub/hub-file.js';
import { startFileServer, type FileServer } from '../helpers/file-server.js';

const servers: FileServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(options: Parameters<typeof startFileServer>[0]): Promise<FileServer> {
  const server = await startFileServer(options);
  servers.push(server);
  return server;
}

const payload = randomBytes(300_000);
const modelPath = '/RichardErkhov/MathLLMs_-_MathCoder-CL-7B-gguf/resolve/main/MathCoder-CL-7B.Q4_K_M.gguf';

describe('hub addresses and the cache layout', () => {
  it('builds model and dataset URLs as the hub serves them, honouring HF_ENDPOINT', () => {
    const config = hubConfigFromEnvironment({ HF_ENDPOINT: 'http://127.0.0.1:9/', HF_TOKEN: 't', MATHCODER_CACHE: '/c' });
    expect(config).toEqual({ endpoint: 'http://127.0.0.1:9', token: 't', cacheDir: '/c' });
    const model = parseHubReference('hf:RichardErkhov/MathLLMs_-_MathCoder-CL-7B-gguf/MathCoder-CL-7B.Q4_K_M.gguf');
    expect(hubFileUrl(config.endpoint, model)).toBe(`http://127.0.0.1:9${modelPath}`);
    const dataset = parseHubReference('hf:datasets/openai/gsm8k@refs%2Fconvert/main/test.parquet');
    expect(dataset).toMatchObject({ repoType: 'dataset', repo: 'openai/gsm8k', revision: 'refs%2Fconvert', path: 'main/test.parquet' });
    expect(hubCachePath('/c', { repoType: 'dataset', repo: 'openai/gsm8k', path: 'main/test.jsonl' })).toBe('/c/hub/datasets--openai--gsm8k/main/main/test.jsonl');
    expect(() => parseHubReference('hf:just-a-name')).toThrow('is not a hub file reference (expected hf:OWNER/REPO/FILE)');
    expect(() => hubFileUrl('x', { repoType: 'model', repo: 'a/b', path: '../etc/passwd' })).toThrow('is not a file path inside a repository');
  });
});

describe('downloading a file', () => {
  it('downloads once, checks the sha256 the server announces, and serves the cache afterwards', async () => {
    const server = await serve({ files: { [modelPath]: payload } });
    const config = { endpoint: server.url, cacheDir: mkdtempSync(join(tmpdir(), 'mc-hub-')) };
    const file = parseHubReference('hf:RichardErkhov/MathLLMs_-_MathCoder-CL-7B-gguf/MathCoder-CL-7B.Q4_K_M.gguf');
    const seen: number[] = [];
    const first = await downloadHubFile(config, file, { onProgress: (p) => seen.push(p.receivedBytes) });
    expect(first.cached).toBe(false);
    expect(readFileSync(first.path).equals(payload)).toBe(true);
    expect(seen.at(-1)).toBe(payload.length);
    const second = await downloadHubFile(config, file);
    expect(second.cached).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it('resumes a download that broke off half-way, and never leaves a half file under the final name', async () => {
    const server = await serve({ files: { '/f.bin': payload }, breakAfterBytes: 100_000 });
    const destination = join(mkdtempSync(join(tmpdir(), 'mc-hub-')), 'f.bin');
    await expect(downloadFile({ url: `${server.url}/f.bin`, destination, retries: 0 })).rejects.toThrow(/broke off.*bytes are kept and the next run resumes/);
    expect(existsSync(destination)).toBe(false);
    const result = await downloadFile({ url: `${server.url}/f.bin`, destination, retries: 0 });
    expect(readFileSync(result.path).equals(payload)).toBe(true);
    expect(server.requests.at(-1)!.range).toMatch(/^bytes=\d+-$/);
    expect(Number(/\d+/.exec(server.requests.at(-1)!.range!)![0])).toBeGreaterThan(0);
  });

  it('retries a broken download within one call', async () => {
    const server = await serve({ files: { '/f.bin': payload }, breakAfterBytes: 50_000 });
    const destination = join(mkdtempSync(join(tmpdir(), 'mc-hub-')), 'f.bin');
    const result = await downloadFile({ url: `${server.url}/f.bin`, destination, retries: 2, retryDelayMs: 10 });
    expect(readFileSync(result.path).equals(payload)).toBe(true);
  });

  it('refuses a file whose sha256 differs and removes what it downloaded', async () => {
    const server = await serve({ files: { '/f.bin': payload } });
    const folder = mkdtempSync(join(tmpdir(), 'mc-hub-'));
    await expect(downloadFile({ url: `${server.url}/f.bin`, destination: join(folder, 'f.bin'), expectedSha256: '0'.repeat(64) })).rejects.toThrow(
      /does not match its sha256/,
    );
    expect(readdirSync(folder)).toEqual([]);
  });

  it('sends HF_TOKEN and says what to do when access is refused', async () => {
    const server = await serve({ files: { '/gated.bin': 'secret' }, requireToken: 'hf_abc' });
    const folder = mkdtempSync(join(tmpdir(), 'mc-hub-'));
    await expect(downloadFile({ url: `${server.url}/gated.bin`, destination: join(folder, 'a') })).rejects.toThrow(/HTTP 401\): it may be gated or private; set HF_TOKEN/);
    const ok = await downloadFile({ url: `${server.url}/gated.bin`, destination: join(folder, 'b'), token: 'hf_abc' });
    expect(readFileSync(ok.path, 'utf8')).toBe('secret');
    expect(server.requests.at(-1)!.authorization).toBe('Bearer hf_abc');
  });

  it('names a missing file, and an unreachable server as offline', async () => {
    const server = await serve({ files: {} });
    const folder = mkdtempSync(join(tmpdir(), 'mc-hub-'));
    await expect(downloadFile({ url: `${server.url}/nope.bin`, destination: join(folder, 'n') })).rejects.toThrow(/does not exist \(HTTP 404\)/);
    await server.close();
    servers.length = 0;
    await expect(downloadFile({ url: `${server.url}/nope.bin`, destination: join(folder, 'n'), retries: 0 })).rejects.toThrow(/^cannot reach 127\.0\.0\.1:\d+ \(connection refused\)$/);
  });
});
