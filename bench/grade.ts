/**
 * bench/grade: the graders on all 5,000 MATH test reference answers (../shared/data/math/test.jsonl), graded
 * against themselves and against perturbed answers (the first number changed, or "+1" appended), with sympy in
 * the sandbox for the strict grader's symbolic path. Prints answers per second, the share of comparisons that
 * needed sympy, and, as the baseline measured in the same run, a grader that sends every comparison to sympy
 * (what a sympy-only grader such as ToRA's math_equal does), timed on a sample.
 * Run: node --import tsx bench/grade.ts [--sample N]
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { latexToSympyComplete } from '../src/grade/compat/latex-to-sympy.js';
import type { SympyNode } from '../src/grade/compat/sympy-tree.js';
import { createGraders } from '../src/grade/grade-answer.js';
import { lastBoxed, normalizeAnswer } from '../src/grade/strict/extract-answer.js';
import { SymbolicChecker } from '../src/grade/strict/symbolic-checker.js';
import type { Grader } from '../src/grade/types.js';
import { PythonSandbox } from '../src/sandbox/python-sandbox.js';
import { forEachConcurrent } from '../src/util/concurrency.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const shared = process.env.MATHCODER_SHARED ?? join(root, '..', 'shared');
const sample = Number(process.argv[process.argv.indexOf('--sample') + 1]) || 300;

const references = readFileSync(join(shared, 'data', 'math', 'test.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => lastBoxed((JSON.parse(line) as { solution: string }).solution) ?? '');

function perturb(answer: string): string {
  const changed = answer.replace(/\d+/, (digits) => String(Number(digits) + 1));
  return changed === answer ? `${answer}+1` : changed;
}

const sandbox = await PythonSandbox.start({ pathVariable: process.env.PATH, poolSize: 2 });
const checkers = [0, 1].map(() => new SymbolicChecker(() => sandbox.createSession(), { timeoutMs: 3_000 }));
// Start the sympy sessions before timing (importing sympy is not grading).
await Promise.all(checkers.map((checker) => checker.compare({ kind: 'symbol', name: 'x' }, { kind: 'symbol', name: 'x' })));
for (const checker of checkers) checker.calls = 0;

async function grade(name: string, graders: readonly Grader[], answers: readonly string[]): Promise<number> {
  const started = performance.now();
  let equal = 0;
  await forEachConcurrent(references, 16, async (reference, index) => {
    const grader = graders[index % graders.length]!;
    if ((await grader.equivalent(reference, grader.extract(answers[index]!))).equal) equal += 1;
  });
  const seconds = (performance.now() - started) / 1000;
  const rate = references.length / seconds;
  const calls = checkers.reduce((sum, checker) => sum + checker.calls, 0);
  const timeouts = checkers.reduce((sum, checker) => sum + checker.timeouts, 0);
  console.log(
    `${name.padEnd(34)} ${String(references.length).padStart(5)} answers in ${seconds.toFixed(2).padStart(6)} s = ${rate.toFixed(0).padStart(6)}/s; equal ${equal}; ` +
      `sympy ${calls} (${((100 * calls) / references.length).toFixed(2)}%), timeouts ${timeouts}`,
  );
  for (const checker of checkers) {
    checker.calls = 0;
    checker.timeouts = 0;
  }
  return rate;
}

console.log(`MATH test references: ${references.length}; sympy ${sandbox.info.python.sympy}; 2 sympy sessions\n`);
const strict = checkers.map((checker) => createGraders({ checker }).strict);
const compat = [createGraders()['mathcoder-compat']];
const perturbed = references.map(perturb);
const strictSelf = await grade('strict, against themselves', strict, references);
const strictPerturbed = await grade('strict, against perturbed answers', strict, perturbed);
await grade('compat, against themselves', compat, references);
await grade('compat, against perturbed answers', compat, perturbed);

// Baseline: every comparison through sympy (the answers parsed the same way), on a sample.
const pairs = references
  .slice(0, sample)
  .map((reference, index) => {
    try {
      const parse = (text: string) => latexToSympyComplete(normalizeAnswer(text).text) as SympyNode;
      return [parse(reference), parse(index % 2 ? perturbed[index]! : reference)] as const;
    } catch {
      return null;
    }
  })
  .filter((pair): pair is readonly [SympyNode, SympyNode] => pair !== null && !Array.isArray(pair[0]) && !Array.isArray(pair[1]));
const started = performance.now();
await forEachConcurrent(pairs, 2, async ([a, b], index) => {
  await checkers[index % 2]!.compare(a, b);
});
const baselineRate = pairs.length / ((performance.now() - started) / 1000);
console.log(`${'baseline: sympy for every pair'.padEnd(34)} ${String(pairs.length).padStart(5)} pairs   = ${baselineRate.toFixed(0).padStart(6)}/s`);
console.log(`\nstrict vs the sympy-for-everything baseline: ${(strictSelf / baselineRate).toFixed(0)}x (self), ${(strictPerturbed / baselineRate).toFixed(0)}x (perturbed)`);
console.log(`whole MATH test set (self + perturbed, 10,000 comparisons): ${(references.length / strictSelf + references.length / strictPerturbed).toFixed(1)} s (goal: under 30 s)`);

await Promise.all(checkers.map((checker) => checker.close()));
await sandbox.close();
