/**
 * bench/eval: throughput of `mathcoder eval`'s scheduling (independent per-problem pipelines, K in flight)
 * against a model server with a realistic cost model, measured in the same run against:
 * - the ideal bound the server's capacity sets: all slot time spread over the slots, or the longest problem's own
 *   chain of requests, whichever is longer;
 * - a lock-step-rounds scheduler as ToRA/harness/Qwen run it: every unfinished problem generates, all wait for
 *   the slowest, then all programs run, then the next round.
 * The server is the stand-in replay server serving published MathCoder trajectories (a skewed mix: SVAMP's short
 * ones and Mathematics' long ones), each completion holding one of S slots for prefill + per-token time.
 * Run: node --import tsx bench/eval.ts [--problems N] [--slots S] [--ms-per-token T] [--in-flight K]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadDataset } from '../src/datasets/index.js';
import type { EvalConfig } from '../src/eval/eval-config.js';
import { runEval, type EvalDataset } from '../src/eval/run-eval.js';
import { MATHCODER_SYNTAX, SYSTEM_PROMPTS, escapeSpecialTokens, promptConversation } from '../src/format/index.js';
import { referenceText } from '../src/grade/grade-answer.js';
import { DEFAULT_HTTP_OPTIONS } from '../src/llm/http/http-request.js';
import { OpenAICompletionsBackend } from '../src/llm/http/openai-completions-backend.js';
import { startReplayServer } from '../src/llm/replay-server/replay-server.js';
import type { ServedRecord } from '../src/llm/replay-server/simulated-serving.js';
import { appendExecution, stopBelongsToModel } from '../src/llm/transcript.js';
import { GREEDY } from '../src/llm/types.js';
import { PythonSandbox } from '../src/sandbox/python-sandbox.js';
import { CodeRunner } from '../src/solve/code-runner.js';
import { readJsonlSync } from '../src/util/jsonl.js';
import { parsePublishedRow, publishedTrajectory } from '../src/format/index.js';

const argument = (name: string, fallback: number) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const problemsPerSet = argument('--problems', 60);
const slots = argument('--slots', 8);
const msPerToken = argument('--ms-per-token', 1);
const prefillMsPerToken = msPerToken / 20;
const inFlight = argument('--in-flight', 4 * slots);
const shared = resolve(import.meta.dirname, '..', '..', 'shared');
const files = ['svamp', 'mathematics'].map((name) => join(shared, 'trajectories', 'mathcoder-cl-7b', `${name}.jsonl`));

// The problems: the first N of each set, with the published files' references.
const datasets: EvalDataset[] = [];
for (const [index, name] of ['svamp', 'mathematics'].entries()) {
  const references = new Map<string, string>();
  for (const { lineNumber, value } of readJsonlSync(files[index]!)) {
    const row = parsePublishedRow(value, `${files[index]}:${lineNumber}`);
    references.set(publishedTrajectory(row).question, referenceText(row.ground_truth.answer));
  }
  const loaded = await loadDataset(name, { dataDir: join(shared, 'data') });
  const problems = loaded.problems.filter((problem) => references.has(problem.question)).slice(0, problemsPerSet);
  datasets.push({ name, problems: problems.map((problem) => ({ problem, reference: references.get(problem.question)! })) });
}
const allProblems = datasets.flatMap((dataset) => dataset.problems);

const server = await startReplayServer({ files, protocol: 'openai-completions', recordRequests: false, serving: { slots, prefillMsPerToken, msPerToken } });
const backend = await OpenAICompletionsBackend.connect({ ...DEFAULT_HTTP_OPTIONS, baseUrl: server.url, bos: true, stopMode: 'stop-strings', requiredTokens: [], timeoutMs: 600_000 });
const sandbox = await PythonSandbox.start({ pathVariable: process.env.PATH, poolSize: 8 });

/** The server's capacity bound on wall time for the work it served. */
function boundMs(served: readonly ServedRecord[]): { boundMs: number; slotMs: number } {
  const total = served.reduce((sum, record) => sum + record.slotMs, 0);
  const perProblem = new Map<string, number>();
  for (const record of served) perProblem.set(record.problem, (perProblem.get(record.problem) ?? 0) + record.slotMs);
  return { boundMs: Math.max(total / slots, ...perProblem.values()), slotMs: total };
}

// 1. The pipelines of mathcoder eval, 2 x slots problems in flight.
const config: EvalConfig = {
  datasets: datasets.map((dataset) => dataset.name),
  limit: null,
  samples: 1,
  concurrency: inFlight,
  sampling: { temperature: 0, topP: 1, seed: 0 },
  solve: { syntax: 'mathcoder', system: SYSTEM_PROMPTS.data, querySuffix: '\n', maxRounds: 16, maxTokensPerBlock: 512, deadlineMs: null, loopRepeats: null, cellTimeoutMs: 10_000 },
};
const runDir = mkdtempSync(join(tmpdir(), 'mc-bench-eval-'));
let started = performance.now();
await runEval({
  runDir,
  config,
  datasets,
  datasetRecords: [],
  backend,
  model: { backend: 'replay', name: 'mathcoder-cl-7b', contextSize: backend.info.contextSize, bos: true, details: {} },
  sandbox,
  command: ['bench'],
});
const pipelineMs = performance.now() - started;
const pipelineWork = boundMs(server.serving!.served);
const pipelineStart = started;
const utilisation = (records: readonly ServedRecord[], from: number, total: number) => {
  // Share of slot time in use in each tenth of the run.
  const tenths = Array.from({ length: 10 }, () => 0);
  for (const record of records) {
    for (let t = record.startMs; t < record.startMs + record.slotMs; t += 5) {
      const tenth = Math.min(9, Math.floor(((t - from) / total) * 10));
      tenths[tenth]! += 5;
    }
  }
  return tenths.map((ms) => `${Math.round((100 * ms) / ((total / 10) * slots))}%`).join(' ');
};
const pipelineUse = utilisation(server.serving!.served, pipelineStart, pipelineMs);
rmSync(runDir, { recursive: true, force: true });

// 2. Lock-step rounds over the same problems.
server.serving!.served.length = 0;
started = performance.now();
const states = await Promise.all(
  allProblems.map(async ({ problem }) => {
    const prompt = MATHCODER_SYNTAX.render(promptConversation(escapeSpecialTokens(problem.question), { system: SYSTEM_PROMPTS.data, querySuffix: '\n', bos: true }));
    return { transcript: prompt, done: false, session: await backend.openSession(), runner: new CodeRunner(sandbox, MATHCODER_SYNTAX.execution, escapeSpecialTokens, 10_000), code: null as string | null };
  }),
);
for (let round = 0; round < 16 && states.some((state) => !state.done); round += 1) {
  const active = states.filter((state) => !state.done);
  // Every unfinished problem generates; the round waits for the slowest.
  await Promise.all(
    active.map(async (state) => {
      const generation = await state.session.generate({ prompt: state.transcript, stop: MATHCODER_SYNTAX.stopStrings, maxTokens: 512, sampling: GREEDY });
      state.transcript += generation.text;
      if (generation.stop !== null && stopBelongsToModel(MATHCODER_SYNTAX, generation.stop)) state.transcript += generation.stop;
      const last = MATHCODER_SYNTAX.parseGeneration(generation.text + (generation.stop ?? '')).blocks.at(-1);
      state.code = last?.type === 'code' && last.closed ? last.content : null;
      if (generation.stop === '<|endofmessage|>' || generation.finishReason === 'eos') state.done = true;
    }),
  );
  // Then every program of the round runs.
  await Promise.all(
    active
      .filter((state) => state.code !== null)
      .map(async (state) => {
        const run = await state.runner.run(state.code!, 10_000);
        state.transcript = appendExecution(MATHCODER_SYNTAX, state.transcript, run.output);
      }),
  );
}
const lockstepMs = performance.now() - started;
const lockstepWork = boundMs(server.serving!.served);
const lockstepUse = utilisation(server.serving!.served, started, lockstepMs);
for (const state of states) {
  await state.session.close();
  await state.runner.close();
}
await sandbox.close();
await server.close();

const problemsPerSecond = (ms: number) => (allProblems.length / (ms / 1000)).toFixed(2);
console.log(`${allProblems.length} published problems (${problemsPerSet} SVAMP + ${problemsPerSet} Mathematics), server: ${slots} slots, ${msPerToken} ms/token, ${prefillMsPerToken} ms/prompt token`);
console.log(`ideal bound (server capacity): ${(pipelineWork.boundMs / 1000).toFixed(2)} s = ${problemsPerSecond(pipelineWork.boundMs)} problems/s (${(pipelineWork.slotMs / 1000).toFixed(1)} slot-seconds of work)`);
console.log(`mathcoder eval pipelines (${config.concurrency} in flight): ${(pipelineMs / 1000).toFixed(2)} s = ${problemsPerSecond(pipelineMs)} problems/s = ${((100 * pipelineWork.boundMs) / pipelineMs).toFixed(1)}% of the bound`);
console.log(`lock-step rounds: ${(lockstepMs / 1000).toFixed(2)} s = ${problemsPerSecond(lockstepMs)} problems/s = ${((100 * lockstepWork.boundMs) / lockstepMs).toFixed(1)}% of its bound`);
console.log(`pipelines / lock-step throughput: ${(lockstepMs / pipelineMs).toFixed(2)}x`);
console.log(`slots in use by tenth of the run: pipelines ${pipelineUse}; lock-step ${lockstepUse}`);
