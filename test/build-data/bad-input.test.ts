import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { closedPort } from '../helpers/faulty-server.js';
import { sharedPath } from '../helpers/shared.js';
import { MATH_TRAIN_FIXTURE } from './seed-fixtures.js';

/**
 * Bad input to `mathcoder data`: each is one line saying what to fix, exit code 1, no stack trace. (A seed file
 * with test problems: seed.test.ts; a teacher writing non-JSON tool arguments and a rate-limited teacher:
 * d0.test.ts.)
 */
const DATA = sharedPath('data');
let work: string;
let seedDir: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'mathcoder-bad-input-'));
  seedDir = join(work, 'seed');
  const seeded = await runCli(['data', 'seed', '--out', seedDir, '--data-dir', DATA, '--math-train', MATH_TRAIN_FIXTURE, '--limit', '2', '--test-sets', 'gsm8k,math']);
  expect(seeded.code, seeded.stderr).toBe(0);
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

async function fails(args: readonly string[], message: RegExp): Promise<void> {
  const result = await runCli(args);
  expect(result.code).toBe(1);
  // Progress lines may come first; the error is the one line that starts with "mathcoder:", and it is the last.
  const errors = result.stderr.trim().split('\n').filter((line) => line.startsWith('mathcoder:'));
  expect(errors).toHaveLength(1);
  expect(result.stderr.trim().endsWith(errors[0]!)).toBe(true);
  expect(result.stderr).not.toMatch(/\bat .*\.js:\d+/);
  expect(errors[0]).toMatch(message);
}

describe('mathcoder data refuses bad input with one line', () => {
  it('no teacher configured', async () => {
    await fails(['data', 'd0', '--seeds', seedDir, '--out', join(work, 'd0')], /^mathcoder: data d0 needs a teacher: --teacher gpt-4o \(an OpenAI-compatible chat model; --teacher-base-url for another server\)$/m);
    await fails(['data', 'd1', '--seeds', seedDir, '--out', join(work, 'd1'), '--teacher', 'gpt-4o', '--teacher-base-url', 'http://127.0.0.1:1/v1'], /^mathcoder: data d1 needs a student: --student model\.gguf/m);
  });

  it('a teacher that is down: refused when it is connected, before the sandbox starts or the stage folder is made', async () => {
    const port = await closedPort();
    await fails(
      ['data', 'd0', '--seeds', seedDir, '--out', join(work, 'd0-down'), '--teacher', 'gpt-4o', '--teacher-base-url', `http://127.0.0.1:${port}/v1`, '--concurrency', '1', '--samples', '3'],
      /^mathcoder: the teacher: cannot connect to http:\/\/127\.0\.0\.1:\d+ \(connection refused\): is the model server running there\?$/m,
    );
    expect(existsSync(join(work, 'd0-down'))).toBe(false);
  });

  it('no seeds, and seeds that are not seed problems', async () => {
    await fails(['data', 'd0', '--seeds', join(work, 'nowhere'), '--out', join(work, 'd0'), '--teacher', 'gpt-4o'], /cannot read .*nowhere: no such file; make seeds with `mathcoder data seed --out DIR`/);
    const bad = join(work, 'bad-seeds.jsonl');
    writeFileSync(bad, '{"question": "What is 1 + 1?", "answer": "2"}\n');
    await fails(['data', 'd0', '--seeds', bad, '--out', join(work, 'd0'), '--teacher', 'gpt-4o', '--teacher-base-url', 'http://127.0.0.1:1/v1'], /bad-seeds\.jsonl:1: not a seed problem \(field id: .*\); make seeds with `mathcoder data seed`/);
  });

  it('rows to clean without a question, and rows to export that do not render', async () => {
    const noQuestion = join(work, 'no-question.jsonl');
    writeFileSync(noQuestion, '{"id": "a", "question": "What is 2 + 2?"}\n{"id": "b", "text": "nothing asked"}\n');
    await fails(['data', 'clean', noQuestion, '--out', join(work, 'kept.jsonl'), '--removed', join(work, 'removed.jsonl'), '--data-dir', DATA, '--test-sets', 'gsm8k'], /no-question\.jsonl:2: the row has no question/);
    const raw = join(work, 'raw-token.jsonl');
    writeFileSync(
      raw,
      JSON.stringify({ id: 'r1', messages: [{ role: 'user', content: [{ type: 'text', content: 'Q' }] }, { role: 'assistant', content: [{ type: 'text', content: 'a stray <|endofblock|> token' }] }] }) + '\n',
    );
    await fails(['data', 'export', raw, '--out', join(work, 'train.jsonl')], /raw-token\.jsonl:1: the row does not render as a MathCoder conversation \(a text block contains a special-token string/);
    await fails(['data', 'clean', noQuestion, '--out', join(work, 'k.jsonl'), '--removed', join(work, 'r.jsonl'), '--test-sets', 'nonsense'], /unknown dataset "nonsense".*known: gsm8k, math/);
  });
});
