import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSeedProblem } from '../../src/build-data/seed-problem.js';
import { readStageManifest } from '../../src/build-data/stage-manifest.js';
import { readJsonlSync } from '../../src/util/jsonl.js';
import { runCli } from '../helpers/cli.js';
import { closedPort } from '../helpers/faulty-server.js';
import { startFileServer, type FileServer } from '../helpers/file-server.js';
import { sharedPath } from '../helpers/shared.js';
import { MATH_TRAIN_FIXTURE } from './seed-fixtures.js';

/** `mathcoder data seed` (the built CLI: run `npm run build` first). */
const DATA = sharedPath('data');
const folders: string[] = [];
const temporary = () => {
  const path = mkdtempSync(join(tmpdir(), 'mathcoder-seed-'));
  folders.push(path);
  return path;
};
afterAll(() => {
  for (const path of folders) rmSync(path, { recursive: true, force: true });
});

const readSeeds = (dir: string) => readJsonlSync(join(dir, 'seeds.jsonl')).map(({ lineNumber, value }) => parseSeedProblem(value, `seeds.jsonl:${lineNumber}`));
const fixtureRows = readJsonlSync(MATH_TRAIN_FIXTURE).map(({ value }) => value as { problem: string; level: string; type: string; solution: string });

describe('data seed', () => {
  it('reads GSM8K train from the data folder and MATH train from a file, with reference answers, ids and a manifest', async () => {
    const out = temporary();
    const result = await runCli(['data', 'seed', '--out', out, '--data-dir', DATA, '--math-train', MATH_TRAIN_FIXTURE, '--limit', '25']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/seeds\.jsonl: 25 gsm8k, 25 math seed problems; checked against 14932 test problems \(gsm8k, math, svamp, mathematics, simuleq, math500, asdiv, gsm-hard, mawps\)/);
    const seeds = readSeeds(out);
    expect(seeds).toHaveLength(50);
    expect(seeds[0]).toMatchObject({ source: 'gsm8k', answer: '72', id: expect.stringMatching(/^gsm8k-train\/[0-9a-f]{12}$/), origin: { where: `${join(DATA, 'gsm8k', 'train.jsonl')}:1` } });
    expect(seeds[0]!.question).toMatch(/^Natalia sold clips/);
    expect(seeds[25]).toMatchObject({ source: 'math', answer: '9', level: 2, subject: 'algebra' });
    expect(seeds.find((seed) => seed.subject === 'precalculus' && seed.answer.startsWith('\\left'))?.answer).toBe('\\left( 4, \\frac{3 \\pi}{2} \\right)');
    const manifest = readStageManifest(join(out, 'manifest.json'));
    expect(manifest.stage).toBe('seed');
    expect(manifest.inputs.map((input) => input.role)).toEqual(['gsm8k-train', 'math-train', ...['gsm8k', 'math', 'svamp', 'mathematics', 'simuleq', 'math500', 'asdiv', 'gsm-hard', 'mawps'].map((name) => `test:${name}`)]);
    expect(manifest.inputs.every((input) => /^[0-9a-f]{64}$/.test(input.sha256))).toBe(true);
  });

  describe('from the hub copy of MATH train (a loopback server in the hub layout)', () => {
    let server: FileServer;
    const subjects = ['algebra', 'counting_and_probability', 'geometry', 'intermediate_algebra', 'number_theory', 'prealgebra', 'precalculus'];
    beforeAll(async () => {
      const files: Record<string, Buffer> = {};
      for (const [index, subject] of subjects.entries()) {
        const rows = fixtureRows.filter((_, row) => row % subjects.length === index);
        files[`/datasets/EleutherAI/hendrycks_math/resolve/main/${subject}/train-00000-of-00001.parquet`] = Buffer.from(
          parquetWriteBuffer({ columnData: (['problem', 'level', 'type', 'solution'] as const).map((name) => ({ name, data: rows.map((row) => row[name]), type: 'STRING' as const })) }),
        );
      }
      server = await startFileServer({ files });
    });
    afterAll(() => server?.close());

    it('downloads the seven subject files once into the cache and reads them', async () => {
      const cache = temporary();
      const out = temporary();
      const env = { HF_ENDPOINT: server.url, MATHCODER_CACHE: cache };
      const result = await runCli(['data', 'seed', '--out', out, '--sources', 'math', '--data-dir', DATA, '--test-sets', 'math,math500'], { env });
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/: 25 math seed problems; checked against 5500 test problems \(math, math500\)/);
      expect(readSeeds(out).map((seed) => seed.question).sort()).toEqual(fixtureRows.map((row) => row.problem).sort());
      expect(server.requests).toHaveLength(7);
      const again = await runCli(['data', 'seed', '--out', out, '--sources', 'math', '--data-dir', DATA, '--test-sets', 'math'], { env });
      expect(again.code).toBe(0);
      expect(server.requests).toHaveLength(7);
    });
  });

  it('refuses a seed file with test problems in it, naming them; --drop-test-overlap leaves them out', async () => {
    const dir = temporary();
    const mathTest = readJsonlSync(join(DATA, 'math', 'test.jsonl'))[11]!.value as { problem: string; level: string; type: string; solution: string };
    const file = join(dir, 'math-train-with-test.jsonl');
    writeFileSync(
      file,
      [
        ...fixtureRows.slice(0, 3).map((row) => JSON.stringify(row)),
        // A MATH test problem, spacing and case changed: the same text.
        JSON.stringify({ ...mathTest, problem: `  ${mathTest.problem.toUpperCase()} ` }),
        // MathCoder's *_post.jsonl format, with a test id.
        JSON.stringify({ id: 'test/algebra/2157.json', messages: [{ role: 'user', content: [{ type: 'text', content: 'What is 2 + 2 in a new wording?' }] }], ground_truth: { answer: '4' } }),
      ].join('\n') + '\n',
    );
    const out = join(dir, 'seeds');
    const refused = await runCli(['data', 'seed', '--out', out, '--sources', 'math', '--math-train', file, '--data-dir', DATA]);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/^mathcoder: refused: 2 seed problems are test problems: math-train\/[0-9a-f]{12} \(.*math-train-with-test\.jsonl:4\) = math\/[0-9a-f]{12}, same text; math-train\/test\/algebra\/2157\.json \(.*:5\) has the test id test\/algebra\/2157\.json = math500\/test\/algebra\/2157\.json\. .*--drop-test-overlap/);
    const dropped = await runCli(['data', 'seed', '--out', out, '--sources', 'math', '--math-train', file, '--data-dir', DATA, '--drop-test-overlap']);
    expect(dropped.code).toBe(0);
    expect(dropped.stdout).toMatch(/3 math seed problems/);
    expect(dropped.stdout).toMatch(/left out 2 seeds that are test problems/);
    expect(readSeeds(out)).toHaveLength(3);
    expect(readFileSync(join(out, 'test-overlaps.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line).why)).toEqual(['same-text', 'test-id']);
  });

  it('says what to do when the MATH training set is nowhere and downloads are impossible', async () => {
    const port = await closedPort();
    const result = await runCli(['data', 'seed', '--out', temporary(), '--sources', 'math', '--data-dir', DATA, '--test-sets', 'math'], { env: { HF_ENDPOINT: `http://127.0.0.1:${port}`, MATHCODER_CACHE: temporary() } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^mathcoder: the math training set: cannot reach 127\\.0\\.0\\.1:${port} \\(connection refused\\).*pass --math-train FILE, or put math/train\\.jsonl under --data-dir`));
  });
});
