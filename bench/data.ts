/**
 * bench/data: how well `mathcoder data` uses a model server and how fast it cleans.
 *
 * 1. Teacher throughput: D0 against the scripted stand-in OpenAI chat server, which prepares at most CAPACITY
 *    answers at once and takes LATENCY ms for each (a loaded remote model). The server's capacity is
 *    CAPACITY / LATENCY requests per second; for each concurrency K the bench prints the requests in flight at
 *    the server (mean while busy), requests/s and rows/s achieved, and requests/s as a ratio to the capacity.
 * 2. Decontamination: `data clean` on 80k question rows (GSM8K training problems, and copies with their numbers
 *    changed) against every test set, with both rules, as rows/s; the baseline is comparing every row with every
 *    test problem (measured on a sample in the same run). Also how many GSM8K training problems each rule flags.
 *
 * Run: node --import tsx bench/data.ts [--latency MS] [--capacity N] [--attempts N] [--rows N]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cleanRows } from '../src/build-data/clean-rows.js';
import { ContaminationIndex, RULE_SETTINGS, type DecontaminationRule } from '../src/build-data/contamination.js';
import { jaccardSimilarity } from '../src/build-data/ngram-index.js';
import { runD0 } from '../src/build-data/run-d0.js';
import type { SeedProblem } from '../src/build-data/seed-problem.js';
import { readTrainSet } from '../src/build-data/seed-sources.js';
import { ALL_TEST_SETS, loadTestSets } from '../src/build-data/test-sets.js';
import { sentenceNgrams, templateSentences } from '../src/build-data/text-normalization.js';
import { SYSTEM_PROMPTS } from '../src/format/index.js';
import { OpenAIChatBackend } from '../src/llm/http/openai-chat-backend.js';
import { PythonSandbox } from '../src/sandbox/python-sandbox.js';
import { startScriptedChatServer } from '../test/helpers/scripted-chat-server.js';
import { sharedPath } from '../test/helpers/shared.js';

function countReasons(removed: ReadonlyArray<{ readonly removal: { readonly reason: string } | null }>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const row of removed) counts[row.removal!.reason] = (counts[row.removal!.reason] ?? 0) + 1;
  return counts;
}

const { values } = parseArgs({
  options: {
    latency: { type: 'string', default: '150' },
    capacity: { type: 'string', default: '16' },
    attempts: { type: 'string', default: '192' },
    rows: { type: 'string', default: '80000' },
  },
});
const LATENCY = Number(values.latency);
const CAPACITY = Number(values.capacity);
const ATTEMPTS = Number(values.attempts);
const ROWS = Number(values.rows);

const gsm8k = (await readTrainSet({ source: 'gsm8k', paths: [sharedPath('data', 'gsm8k', 'train.jsonl')], from: 'file' })).problems;
const work = mkdtempSync(join(tmpdir(), 'mathcoder-bench-data-'));

// --- 1. Teacher throughput --------------------------------------------------------------------------------
{
  const seeds: SeedProblem[] = gsm8k.slice(0, ATTEMPTS);
  const answers = new Map(seeds.map((seed) => [seed.question, seed.answer]));
  // Every solution: one python call, then the boxed answer (two requests).
  const server = await startScriptedChatServer({
    latencyMs: LATENCY,
    capacity: CAPACITY,
    script: (request) => {
      const answer = answers.get(request.question) ?? '0';
      return request.round === 0 ? { content: 'Let me compute.', toolCall: { arguments: JSON.stringify({ code: `print(${JSON.stringify(answer)})` }) } } : { content: `The answer is $\\boxed{${answer}}$.` };
    },
  });
  const sandbox = await PythonSandbox.start({ pathVariable: process.env.PATH, poolSize: 8 });
  const teacher = await OpenAIChatBackend.connect({ timeoutMs: 60_000, retries: 0, retryDelayMs: 100, baseUrl: server.url, model: 'scripted-teacher' });
  const capacity = CAPACITY / (LATENCY / 1000);
  console.log(`\n## Teacher throughput: D0 against the stand-in chat server (${LATENCY} ms an answer, ${CAPACITY} at once: capacity ${capacity.toFixed(1)} requests/s), ${ATTEMPTS} solutions of 2 requests each\n`);
  console.log('| concurrency | requests in flight (mean while busy) | max in flight | requests/s | rows/s | requests/s ÷ capacity |');
  console.log('|---|---|---|---|---|---|');
  for (const concurrency of [4, CAPACITY, 2 * CAPACITY]) {
    const before = { answered: server.answered() };
    server.resetConcurrency();
    const started = performance.now();
    const outcome = await runD0({
      outDir: join(work, `d0-${concurrency}`),
      seeds,
      inputs: [],
      config: {
        samples: 1,
        concurrency,
        sampling: { temperature: 0, topP: 1, seed: 0 },
        solve: { syntax: 'mathcoder', system: SYSTEM_PROMPTS.data, querySuffix: '\n', chatSystem: null, maxRounds: 4, maxTokensPerBlock: 512, deadlineMs: null, loopRepeats: 3, cellTimeoutMs: 10_000 },
        train: { system: SYSTEM_PROMPTS.data, querySuffix: '\n' },
        prices: { promptPerMillion: 30, completionPerMillion: 60 },
      },
      teacher,
      teacherIdentity: { backend: 'openai-chat', name: 'scripted-teacher', contextSize: 128_000, bos: false, details: {} },
      sandbox,
      command: [],
    });
    const seconds = (performance.now() - started) / 1000;
    const requests = server.answered() - before.answered;
    if (outcome.stats.kept !== ATTEMPTS) throw new Error(`expected every solution kept, got ${outcome.stats.kept}`);
    const inFlight = server.concurrency();
    const requestRate = requests / seconds;
    console.log(
      `| ${concurrency} | ${inFlight.meanWhileBusy.toFixed(1)} | ${inFlight.max} | ${requestRate.toFixed(1)} | ${(outcome.written / seconds).toFixed(1)} | ${(requestRate / capacity).toFixed(2)} |`,
    );
  }
  console.log('\nA solution also waits for its code to run and its answer to be graded between its two requests, so K = capacity leaves the server some idle time; K = 2 × capacity keeps it busy.');
  await sandbox.close();
  await server.close();
}

// --- 2. Decontamination ------------------------------------------------------------------------------------
{
  const tests = (await loadTestSets(ALL_TEST_SETS, { dataDir: sharedPath('data'), hub: null })).problems;
  const rows: Array<{ id: string; question: string }> = [];
  for (let copy = 0; rows.length < ROWS; copy += 1) {
    for (const problem of gsm8k) {
      if (rows.length >= ROWS) break;
      const question = copy === 0 ? problem.question : problem.question.replace(/\d+/g, (number) => String(Number(number) + copy));
      rows.push({ id: `${problem.id}~${copy}`, question });
    }
  }
  const input = join(work, 'rows.jsonl');
  writeFileSync(input, rows.map((row) => JSON.stringify(row)).join('\n') + '\n');
  console.log(`\n## Decontamination: ${rows.length} question rows against ${tests.length} test problems (all ${ALL_TEST_SETS.length} sets)\n`);

  // Baseline: every row against every test problem (normalized rule's grams), on a sample.
  const testGrams = tests.map((test) => sentenceNgrams(templateSentences(test.question), RULE_SETTINGS.normalized.n));
  const sample = rows.slice(0, 100);
  let started = performance.now();
  for (const row of sample) {
    const grams = sentenceNgrams(templateSentences(row.question), RULE_SETTINGS.normalized.n);
    for (const other of testGrams) jaccardSimilarity(grams, other);
  }
  const allPairsRate = sample.length / ((performance.now() - started) / 1000);
  console.log('| method | rows/s | 80k rows take | vs all pairs |');
  console.log('|---|---|---|---|');
  console.log(`| all pairs (Jaccard of every row with every test problem; measured on ${sample.length} rows) | ${allPairsRate.toFixed(1)} | ${(80_000 / allPairsRate / 60).toFixed(1)} min | 1.0 |`);
  for (const rule of ['normalized', 'mathcoder2'] as DecontaminationRule[]) {
    started = performance.now();
    const outcome = await cleanRows({ inputs: [input], keptPath: join(work, `kept-${rule}.jsonl`), removedPath: join(work, `removed-${rule}.jsonl`), tests, rule });
    const seconds = (performance.now() - started) / 1000;
    const rate = outcome.rows / seconds;
    console.log(`| data clean --rule ${rule} (index; removed ${outcome.removed.length}: ${Object.entries(countReasons(outcome.removed)).map(([reason, count]) => `${count} ${reason}`).join(', ')}) | ${rate.toFixed(0)} | ${(80_000 / rate).toFixed(1)} s | ${(rate / allPairsRate).toFixed(0)}× |`);
  }

  console.log('\n## GSM8K training problems flagged as copies of test problems\n');
  console.log('| rule | flagged of 7473 |');
  console.log('|---|---|');
  for (const rule of ['normalized', 'mathcoder2'] as DecontaminationRule[]) {
    const index = ContaminationIndex.build(tests, rule);
    console.log(`| ${rule} | ${gsm8k.filter((problem) => index.match(problem.question) !== null).length} |`);
  }
}

rmSync(work, { recursive: true, force: true });
