import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPECIAL_TOKENS } from '../../src/format/index.js';
import { EmbeddedBackend } from '../../src/llm/embedded/embedded-backend.js';
import { SYNTAX_NAMES } from '../../src/format/index.js';
import { catalogueFile, DEFAULT_MODEL, MODEL_CATALOGUE, MODEL_FAMILIES } from '../../src/llm/model-catalogue.js';
import { parseModelReference, resolveModelFile } from '../../src/llm/model-file.js';
import { closedPort } from '../helpers/faulty-server.js';
import { startFileServer, type FileServer } from '../helpers/file-server.js';
import { temporaryModelFolder, writeTinyGguf } from '../helpers/tiny-gguf.js';

const folder = temporaryModelFolder();
const localModel = join(folder.folder, 'tiny.gguf');
let server: FileServer;
let modelBytes: Buffer;

beforeAll(async () => {
  writeTinyGguf({ path: localModel, embeddingLength: 32 });
  modelBytes = readFileSync(localModel);
  server = await startFileServer({
    files: { '/RichardErkhov/MathLLMs_-_MathCoder-CL-7B-gguf/resolve/main/MathCoder-CL-7B.Q4_K_M.gguf': modelBytes },
    breakAfterBytes: 1_000_000,
  });
});

afterAll(async () => {
  await server?.close();
  folder.remove();
});

describe('--model references', () => {
  it('knows the MathCoder GGUFs by name, Q4_K_M by default', () => {
    expect(DEFAULT_MODEL).toBe('mathcoder-cl-7b');
    expect(catalogueFile('mathcoder-cl-7b')?.file).toEqual({ repoType: 'model', repo: 'RichardErkhov/MathLLMs_-_MathCoder-CL-7B-gguf', path: 'MathCoder-CL-7B.Q4_K_M.gguf' });
    expect(catalogueFile('mathcoder-l-7b:q8_0')?.file.path).toBe('MathCoder-L-7B.Q8_0.gguf');
    expect(catalogueFile('mathcoder-l-7b:not-a-quant')).toBeNull();
    expect(parseModelReference('hf:someone/some-repo/model.Q5_K_M.gguf')).toEqual({ kind: 'hub', file: { repoType: 'model', repo: 'someone/some-repo', path: 'model.Q5_K_M.gguf' } });
    expect(parseModelReference(localModel)).toEqual({ kind: 'file', path: localModel });
  });

  it('knows GGUFs of the larger MathCoder models and of the other dialects, each with its dialect and where it was checked', () => {
    expect(catalogueFile('mathcoder-l-13b')?.file).toEqual({ repoType: 'model', repo: 'mradermacher/MathCoder-L-13B-GGUF', path: 'MathCoder-L-13B.Q4_K_M.gguf' });
    expect(catalogueFile('mathcoder-cl-34b-i1:q6_k')?.file.path).toBe('MathCoder-CL-34B.i1-Q6_K.gguf');
    // Lower-case file names, and an entry whose default is not Q4_K_M.
    expect(catalogueFile('qwen2.5-7b-instruct')?.file.path).toBe('qwen2.5-7b-instruct-q3_k_m.gguf');
    expect(catalogueFile('qwen2.5-math-1.5b-instruct')?.file.path).toBe('qwen2.5-math-1.5b-instruct-q5_k_m.gguf');
    expect(catalogueFile('gpt-oss-20b:F16')?.file.path).toBe('gpt-oss-20b-F16.gguf');
    for (const entry of MODEL_CATALOGUE) {
      expect(SYNTAX_NAMES).toContain(entry.syntax);
      expect(entry.checked.length).toBeGreaterThan(20);
    }
    expect(new Set(MODEL_CATALOGUE.map((entry) => entry.syntax))).toEqual(new Set(['mathcoder', 'qwen', 'hermes', 'harmony']));
    const mathGenie = MODEL_FAMILIES.find((family) => family.family.startsWith('MathGenie'))!;
    expect(mathGenie).toMatchObject({ syntax: 'mathcoder', family: 'MathGenie (MathCoder template)' });
    expect(MODEL_FAMILIES.find((family) => family.syntax === 'openmath')!.checked).toContain('unverified');
  });

  it('says what is wrong with a reference that is none of these', () => {
    expect(() => parseModelReference('mathcoder-xl')).toThrow(/model "mathcoder-xl" is not a file that exists, an hf:OWNER\/REPO\/FILE\.gguf reference, or a known name \(mathcoder-cl-7b, mathcoder-l-7b, mathcoder-l-13b, /);
    expect(() => parseModelReference('hf:someone/repo/weights.safetensors')).toThrow(/is not a \.gguf file/);
    expect(() => parseModelReference(folder.folder)).toThrow(/is a folder/);
  });
});

describe('the default model download', () => {
  it('downloads once into the cache with progress, resumes a broken transfer, checks the sha256, and the file loads', async () => {
    const hub = { endpoint: server.url, cacheDir: join(folder.folder, 'cache') };
    const progress: number[] = [];
    const downloaded = await resolveModelFile(DEFAULT_MODEL, hub, { onProgress: (update) => progress.push(update.receivedBytes) });
    expect(downloaded.downloaded).toBe(true);
    expect(downloaded.path).toBe(join(folder.folder, 'cache', 'hub', 'models--RichardErkhov--MathLLMs_-_MathCoder-CL-7B-gguf', 'main', 'MathCoder-CL-7B.Q4_K_M.gguf'));
    expect(readFileSync(downloaded.path).equals(modelBytes)).toBe(true);
    expect(progress.at(-1)).toBe(modelBytes.length);
    // The server broke the first transfer off (after at most 1 MB); the second request asked for the rest.
    expect(server.requests).toHaveLength(2);
    expect(server.requests[0]!.range).toBeUndefined();
    expect(Number(/^bytes=(\d+)-$/.exec(server.requests[1]!.range ?? '')?.[1])).toBeGreaterThan(0);

    const again = await resolveModelFile(DEFAULT_MODEL, hub);
    expect(again).toEqual({ path: downloaded.path, name: DEFAULT_MODEL, downloaded: false });
    expect(server.requests).toHaveLength(2);

    const backend = await EmbeddedBackend.load({ modelPath: again.path, modelName: again.name, bos: true, requiredTokens: SPECIAL_TOKENS });
    expect(backend.info.model).toBe(DEFAULT_MODEL);
    await backend.close();
  });

  it('is a one-line error when the hub cannot be reached', async () => {
    const port = await closedPort();
    const hub = { endpoint: `http://127.0.0.1:${port}`, cacheDir: join(folder.folder, 'offline-cache') };
    const error = (await resolveModelFile('mathcoder-l-7b', hub, { retries: 1, retryDelayMs: 5 }).catch((caught: unknown) => caught)) as Error;
    expect(error.message).toBe(`cannot reach 127.0.0.1:${port} (connection refused)`);
  });
});
