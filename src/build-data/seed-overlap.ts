import type { TestProblem } from './contamination.js';
import type { SeedProblem } from './seed-problem.js';
import { plainKey } from './text-normalization.js';

/**
 * A seed that is a test problem: its text is a test problem's (ignoring case, punctuation and spacing), or its
 * own id is a test id (`test/algebra/12.json` as MathCoder's and PRM800K's files name MATH test problems, or the
 * id a test set gives the problem). Near-copies are `mathcoder data clean`'s to find.
 */
export interface SeedOverlap {
  readonly seed: SeedProblem;
  readonly test: TestProblem | null;
  readonly why: 'same-text' | 'test-id';
}

const TEST_ID = /^test[/_-]/i;

export function findSeedOverlaps(seeds: readonly SeedProblem[], tests: readonly TestProblem[]): SeedOverlap[] {
  const byText = new Map<string, TestProblem>();
  const byNativeId = new Map<string, TestProblem>();
  for (const test of tests) {
    const key = plainKey(test.question);
    if (key !== '' && !byText.has(key)) byText.set(key, test);
    byNativeId.set(test.id.slice(test.dataset.length + 1), test);
  }
  const overlaps: SeedOverlap[] = [];
  for (const seed of seeds) {
    const sameText = byText.get(plainKey(seed.question));
    const nativeId = seed.origin.nativeId;
    if (sameText) overlaps.push({ seed, test: sameText, why: 'same-text' });
    else if (nativeId !== undefined && (TEST_ID.test(nativeId) || byNativeId.has(nativeId))) overlaps.push({ seed, test: byNativeId.get(nativeId) ?? null, why: 'test-id' });
  }
  return overlaps;
}

export function describeOverlap(overlap: SeedOverlap): string {
  const test = overlap.test ? ` = ${overlap.test.id}` : '';
  return overlap.why === 'same-text' ? `${overlap.seed.id} (${overlap.seed.origin.where})${test}, same text` : `${overlap.seed.id} (${overlap.seed.origin.where}) has the test id ${overlap.seed.origin.nativeId}${test}`;
}
