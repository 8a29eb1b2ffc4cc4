import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ContaminationIndex, DECONTAMINATION_RULES, RULE_SETTINGS, type DecontaminationRule, type TestProblem } from '../../src/build-data/contamination.js';
import { jaccardSimilarity } from '../../src/build-data/ngram-index.js';
import { readTrainSet } from '../../src/build-data/seed-sources.js';
import { ALL_TEST_SETS, loadTestSets } from '../../src/build-data/test-sets.js';
import { sentenceNgrams, templateSentences } from '../../src/build-data/text-normalization.js';
import { readJsonlSync } from '../../src/util/jsonl.js';
import { sharedPath } from '../helpers/shared.js';
import { GSM8K_TRAIN, MATH_TRAIN_FIXTURE } from './seed-fixtures.js';

/**
 * Real test problems lightly edited by hand (names and numbers changed, sentences reordered: fixtures/
 * edited-test-problems.jsonl, 40 from all eight sets) must be caught; unrelated training problems (400 GSM8K
 * training problems and the MATH-format fixtures) must not. Both rules are measured and their precision and
 * recall printed.
 */
const EDITED = fileURLToPath(new URL('./fixtures/edited-test-problems.jsonl', import.meta.url));
/** GSM8K training problems 2001-2400: a slice of unrelated problems. */
const NEGATIVE_SLICE = [2000, 2400] as const;
/**
 * Training problems of the slice that are not unrelated: "Wyatt has 10 blue envelopes. He has 4 fewer yellow
 * envelopes than blue envelopes. How many envelopes does Wyatt have in all?" is ASDiv's "Kiera has 14 blue
 * envelopes. She has 6 fewer yellow envelopes …" with one step left out. They must be caught.
 */
const TEMPLATE_SIBLINGS = new Map([['gsm8k-train/2f0ab7e9cc67', 'asdiv']]);

interface Edited {
  readonly dataset: string;
  readonly line: number;
  readonly question: string;
}

let tests: readonly TestProblem[];
let originals: Map<string, TestProblem>;
let edited: Edited[];
let negatives: Array<{ id: string; question: string }>;
let siblings: Array<{ id: string; question: string }>;

beforeAll(async () => {
  const loaded = await loadTestSets(ALL_TEST_SETS, { dataDir: sharedPath('data'), hub: null });
  tests = loaded.problems;
  edited = readJsonlSync(EDITED).map(({ value }) => value as Edited);
  originals = new Map();
  for (const name of new Set(edited.map((entry) => entry.dataset))) {
    const problems = tests.filter((test) => test.dataset === name);
    for (const entry of edited.filter((candidate) => candidate.dataset === name)) originals.set(`${name}:${entry.line}`, problems[entry.line - 1]!);
  }
  const gsm8k = (await readTrainSet({ source: 'gsm8k', paths: [GSM8K_TRAIN], from: 'file' })).problems.slice(...NEGATIVE_SLICE);
  const math = (await readTrainSet({ source: 'math', paths: [MATH_TRAIN_FIXTURE], from: 'file' })).problems;
  siblings = gsm8k.filter((problem) => TEMPLATE_SIBLINGS.has(problem.id));
  negatives = [...gsm8k.filter((problem) => !TEMPLATE_SIBLINGS.has(problem.id)), ...math];
});

const indexes = new Map<DecontaminationRule, ContaminationIndex>();
function indexFor(rule: DecontaminationRule): ContaminationIndex {
  if (!indexes.has(rule)) indexes.set(rule, ContaminationIndex.build(tests, rule));
  return indexes.get(rule)!;
}

function measure(rule: DecontaminationRule) {
  const index = indexFor(rule);
  const caught = edited.filter((entry) => index.match(entry.question) !== null);
  const caughtOriginal = edited.filter((entry) => index.match(entry.question)?.test.id === originals.get(`${entry.dataset}:${entry.line}`)!.id);
  const flagged = negatives.map((problem) => ({ problem, match: index.match(problem.question) })).filter((entry) => entry.match !== null);
  const recall = caught.length / edited.length;
  const precision = caught.length / Math.max(1, caught.length + flagged.length);
  return { caught, caughtOriginal, flagged, recall, precision };
}

describe('decontamination of lightly edited test problems', () => {
  it('the originals of the edited problems are the test problems the fixture names', () => {
    expect(edited).toHaveLength(40);
    expect(new Set(edited.map((entry) => entry.dataset))).toEqual(new Set(['gsm8k', 'math', 'svamp', 'asdiv', 'mawps', 'gsm-hard', 'simuleq', 'mathematics']));
    // Each edit keeps its original's shape (a sanity check of the fixture's line numbers).
    for (const entry of edited) {
      const original = originals.get(`${entry.dataset}:${entry.line}`)!;
      expect(original.question.split(/\s+/)[0]!.length + entry.question.length).toBeGreaterThan(0);
      expect(templateSentences(original.question).flat().length).toBeGreaterThan(3);
    }
  });

  it('the normalized rule catches them and spares unrelated training problems; MathCoder2\'s rule misses most (precision/recall printed)', () => {
    const results = Object.fromEntries(DECONTAMINATION_RULES.map((rule) => [rule, measure(rule)])) as Record<DecontaminationRule, ReturnType<typeof measure>>;
    for (const rule of DECONTAMINATION_RULES) {
      const result = results[rule];
      console.log(
        `${rule}: recall ${result.caught.length}/${edited.length} = ${result.recall.toFixed(3)} (${result.caughtOriginal.length} matched to their own original), ` +
          `false positives ${result.flagged.length}/${negatives.length} unrelated training problems, precision ${result.precision.toFixed(3)}`,
      );
      for (const entry of edited.filter((candidate) => !result.caught.includes(candidate))) console.log(`  ${rule} missed ${entry.dataset}:${entry.line}: ${entry.question.slice(0, 90)}`);
      for (const { problem, match } of result.flagged) console.log(`  ${rule} flagged ${problem.id} as ${match!.test.id} (${match!.similarity.toFixed(2)}): ${problem.question.slice(0, 90)}`);
    }
    const normalized = results.normalized;
    expect(normalized.recall).toBeGreaterThanOrEqual(0.9);
    expect(normalized.flagged).toEqual([]);
    expect(results.mathcoder2.recall).toBeLessThan(0.5);
    expect(results.mathcoder2.flagged).toEqual([]);
    // The problems only their numbers define are the ones the normalized rule leaves to exact matching.
    for (const missed of edited.filter((entry) => !normalized.caught.includes(entry))) expect(missed.dataset).toMatch(/^(mathematics|math)$/);
    expect(siblings).toHaveLength(TEMPLATE_SIBLINGS.size);
    const index = indexFor('normalized');
    for (const sibling of siblings) expect(index.match(sibling.question)?.test.dataset).toBe(TEMPLATE_SIBLINGS.get(sibling.id));
  });

  it('both rules catch exact copies and copies inside a longer text', () => {
    for (const rule of DECONTAMINATION_RULES) {
      const index = indexFor(rule);
      const test = tests.find((candidate) => candidate.dataset === 'gsm8k')!;
      expect(index.match(test.question)).toMatchObject({ kind: 'exact-substring', test: { id: test.id }, containment: 'equal' });
      expect(index.match(`Read this first. ${test.question} Then answer in words.`)).toMatchObject({ kind: 'exact-substring', test: { id: test.id }, containment: 'document-in-query' });
    }
  });

  it('MathCoder2\'s rule is its 13-gram Jaccard above 0.6', () => {
    const words = Array.from({ length: 40 }, (_, index) => `w${index}`);
    const index = ContaminationIndex.build([{ id: 't/1', dataset: 't', question: words.join(' ') }], 'mathcoder2');
    // Changing the last 4 words keeps 24 of 28 13-grams: Jaccard 24/32 = 0.75.
    expect(index.match([...words.slice(0, 36), 'x1', 'x2', 'x3', 'x4'].join(' '))).toMatchObject({ kind: 'ngram-jaccard', similarity: 0.75 });
    // Changing one word in the middle breaks 13 of them: 15/41 < 0.6.
    expect(index.match([...words.slice(0, 20), 'changed', ...words.slice(21)].join(' '))).toBeNull();
  });

  it('finds candidates through an inverted index: far faster than comparing a row with every test problem', () => {
    const index = indexFor('normalized');
    let started = performance.now();
    let matched = 0;
    for (const problem of negatives) if (index.match(problem.question)) matched += 1;
    const indexed = (performance.now() - started) / negatives.length;
    // The same grams compared with every test problem's, on a sample, in the same run: a ratio, not a speed.
    const testGrams = tests.map((test) => sentenceNgrams(templateSentences(test.question), RULE_SETTINGS.normalized.n));
    const sample = negatives.slice(0, 20);
    started = performance.now();
    for (const problem of sample) {
      const grams = sentenceNgrams(templateSentences(problem.question), RULE_SETTINGS.normalized.n);
      for (const other of testGrams) jaccardSimilarity(grams, other);
    }
    const allPairs = (performance.now() - started) / sample.length;
    console.log(`normalized rule: ${indexed.toFixed(3)} ms per row against ${tests.length} test problems, all pairs ${allPairs.toFixed(2)} ms (${(allPairs / indexed).toFixed(0)}x)`);
    expect(matched).toBe(0);
    expect(allPairs / indexed).toBeGreaterThan(5);
  });
});
