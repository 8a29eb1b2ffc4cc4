import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanRows } from '../../src/build-data/clean-rows.js';
import type { TestProblem } from '../../src/build-data/contamination.js';
import { readJsonlSync } from '../../src/util/jsonl.js';

/** `cleanRows` on hand-made rows: what counts as the same problem, a duplicate, a near duplicate, a copy of a test problem. */
let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'mathcoder-clean-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const TESTS: TestProblem[] = [
  { id: 'gsm8k/t1', dataset: 'gsm8k', question: 'Janet has 12 apples. She gives 5 apples to her brother Tom and eats 2 of them herself. How many apples does Janet have left?' },
  { id: 'math/t2', dataset: 'math', question: 'Compute $\\dbinom{10}{4}$.' },
];

const train = (id: string, question: string, solution: string) => ({
  id,
  messages: [
    { role: 'user', content: [{ type: 'text', content: `${question}\n` }] },
    { role: 'assistant', content: [{ type: 'text', content: solution }] },
  ],
});

function write(name: string, rows: readonly unknown[]): string {
  const path = join(work, name);
  writeFileSync(path, rows.map((row) => JSON.stringify(row)).join('\n') + '\n');
  return path;
}

describe('data clean', () => {
  it('keeps a question\'s different solutions, removes repeated ones, near-duplicate questions and test copies', async () => {
    const question = 'A shop sells pens at $3 each and notebooks at $5 each. Sam buys 4 pens and 2 notebooks. How much does Sam spend?';
    const input = write('rows.jsonl', [
      train('a1', question, 'Pens cost 12 and notebooks 10, so \\boxed{22}.'),
      train('a2', question, 'Four pens and two notebooks: 4*3 + 2*5 = \\boxed{22}.'),
      train('a3', `  ${question.toUpperCase()}`, 'Pens cost 12 and notebooks 10, so \\boxed{22}.'),
      train('b1', question.replace('How much does Sam spend?', 'How much does Sam spend in total?'), '\\boxed{22}'),
      train('c1', question.replace('4 pens', '7 pens'), '\\boxed{31}'),
      { id: 'q1', question: 'Priya has 15 apples. She eats 3 of them herself and gives 6 apples to her sister Ana. How many apples does Priya have left?' },
      { id: 'q2', question: 'Compute $\\dbinom{10}{4}$.' },
      { id: 'q3', question: 'Compute $\\dbinom{12}{5}$.' },
      { id: 'q4', question: 'Compute $\\dbinom{12}{5}$.' },
    ]);
    const outcome = await cleanRows({ inputs: [input], keptPath: join(work, 'kept.jsonl'), removedPath: join(work, 'removed.jsonl'), tests: TESTS, rule: 'normalized' });
    const removed = Object.fromEntries(outcome.removed.map((row) => [row.id, row.removal!]));
    expect(Object.keys(removed).sort()).toEqual(['a3', 'b1', 'q1', 'q2', 'q4']);
    expect(removed.a3).toMatchObject({ reason: 'exact-duplicate', of: 'a1' });
    expect(removed.b1).toMatchObject({ reason: 'near-duplicate', of: 'a1' });
    expect(removed.b1!.similarity).toBeGreaterThan(0.8);
    expect(removed.q1).toMatchObject({ reason: 'test-ngram', of: 'gsm8k/t1', dataset: 'gsm8k', rule: 'normalized' });
    expect(removed.q2).toMatchObject({ reason: 'test-exact', of: 'math/t2', similarity: 1 });
    expect(removed.q4).toMatchObject({ reason: 'exact-duplicate', of: 'q3' });
    // A question that differs in its numbers is another problem; so is a formula problem with other numbers.
    expect(readJsonlSync(join(work, 'kept.jsonl')).map(({ value }) => (value as { id: string }).id)).toEqual(['a1', 'a2', 'c1', 'q3']);
    // Removed rows are written whole, with why.
    const written = readJsonlSync(join(work, 'removed.jsonl')).map(({ value }) => value as { id: string; messages?: unknown; removal: { reason: string } });
    expect(written.find((row) => row.id === 'a3')!.messages).toBeDefined();
    expect(written.map((row) => row.removal.reason)).toEqual(['exact-duplicate', 'near-duplicate', 'test-ngram', 'test-exact', 'exact-duplicate']);

    const mathcoder2 = await cleanRows({ inputs: [input], keptPath: join(work, 'kept2.jsonl'), removedPath: join(work, 'removed2.jsonl'), tests: TESTS, rule: 'mathcoder2' });
    // MathCoder2's rule lets the edited test problem through.
    expect(mathcoder2.removed.map((row) => row.id).sort()).toEqual(['a3', 'b1', 'q2', 'q4']);
  });

  it('leaves nothing half-written when a row is bad', async () => {
    const input = write('bad.jsonl', [{ id: 'x', question: 'What is 1 + 1?' }, { id: 'y' }]);
    const kept = join(work, 'bad-kept.jsonl');
    await expect(cleanRows({ inputs: [input], keptPath: kept, removedPath: join(work, 'bad-removed.jsonl'), tests: TESTS, rule: 'normalized' })).rejects.toThrow(/bad\.jsonl:2: the row has no question/);
    expect(existsSync(kept)).toBe(false);
    expect(readdirSync(work).filter((name) => name.includes('.tmp-'))).toEqual([]);
  });
});
