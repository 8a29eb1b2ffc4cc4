/**
 * bench/eval: throughput of `mathcoder eval`'s scheduling (independent per-problem pipelines, K in flight)
 * against a model server with a realistic cost model, measured in the same run against:
 * - the ideal bound the server's capacity sets: all slot time spread over the slots, or the longest problem's own
 *   chain of requests, whichever is longer;
 * - a lock-step-rounds scheduler as ToRA/harness/Qwen run it: every unfinished problem generates, all wait for
 *   the slowest, then all programs run, then the next round.
 * The server is the stand-in replay server serving published MathCoder trajectories (a skewed mix: SVAMP's short
 * ones and Mathematics' long ones), each completion holding one of S slots for prefill + per-token time.
 * Then the same problems over three stand-in servers of different capacity used as one (`eval --base-url`
 * repeated: least outstanding requests first), against the bound the sum of their capacities sets (a server's
 * capacity: its slots over its time per token).
 * Run: node --import tsx bench/eval.ts [--problems N] [--slots S] [--ms-per-token T] [--in-flight K] [--only servers]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadDataset } from '../src/datasets/index.js';
import type { EvalConfig } from '../src/eval/eval-config.js';
import { runEval, type EvalDataset } from '../src/eval/run-eval.js';
import { MATHCODER_SYNTAX, SYSTEM_PROMPTS, escapeSpecialTokens, promptConversation } from '../src/format/index.js';
import { referenceText } from '../src/grade/grade-answer.js';
import { createBackend } from '../src/llm/create-backend.js';
import { DEFAULT_HTTP_OPTIONS } from '../src/llm/http/http-request.js';
import { isPooledBackend } from '../src/llm/pooled-backend.js';
import { OpenAICompletionsBackend } from '../src/llm/http/openai-completions-backend.js';
import { startReplayServer } from '../src/llm/replay-server/replay-server.js';
import type { ServedRecord, ServingModel } from '../src/llm/replay-server/simulated-serving.js';
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
const onlyServers = process.argv.includes('--only') && process.argv[process.argv.indexOf('--only') + 1] === 'servers';
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

const sandbox = await PythonSandbox.start({ pathVariable: process.env.PATH, poolSize: 8 });

// The pipelines of mathcoder eval (the config every part runs with).
const config: EvalConfig = {
  datasets: datasets.map((dataset) => dataset.name),
  limit: null,
  samples: 1,
  concurrency: inFlight,
  sampling: { temperature: 0, topP: 1, seed: 0 },
  solve: { syntax: 'mathcoder', system: SYSTEM_PROMPTS.data, querySuffix: '\n', maxRounds: 16, maxTokensPerBlock: 512, deadlineMs: null, loopRepeats: null, cellTimeoutMs: 10_000 },
};
const problemsPerSecond = (ms: number) => (allProblems.length / (ms / 1000)).toFixed(2);

/** Runs mathcoder eval's pipelines over `backend` into a fresh folder; returns the wall time. */
async function timedEval(backend: Parameters<typeof runEval>[0]['backend'], concurrency: number): Promise<number> {
  const runDir = mkdtempSync(join(tmpdir(), 'mc-bench-eval-'));
  const started = performance.now();
  try {
    await runEval({
      runDir,
      config: { ...config, concurrency },
      datasets,
      datasetRecords: [],
      backend,
      model: { backend: 'replay', name: 'mathcoder-cl-7b', contextSize: backend.info.contextSize, bos: true, details: {} },
      sandbox,
      command: ['bench'],
    });
    return performance.now() - started;
  } finally {
    rmSync(runDir, { recursive: true, force: true });
  }
}

if (!onlyServers) await oneServer();
await threeServers();
await sandbox.close();

/** Part 1 and 2: one server; mathcoder eval's pipelines against its capacity, and against lock-step rounds. */
async function oneServer(): Promise<void> {
  const server = await startReplayServer({ files, protocol: 'openai-completions', recordRequests: false, serving: { slots, prefillMsPerToken, msPerToken } });
  const backend = await OpenAICompletionsBackend.connect({ ...DEFAULT_HTTP_OPTIONS, baseUrl: server.url, bos: true, stopMode: 'stop-strings', requiredTokens: [], timeoutMs: 600_000 });

  /** The server's capacity bound on wall time for the work it served. */
  const boundMs = (served: readonly ServedRecord[]): { boundMs: number; slotMs: number } => {
    const total = served.reduce((sum, record) => sum + record.slotMs, 0);
    const perProblem = new Map<string, number>();
    for (const record of served) perProblem.set(record.problem, (perProblem.get(record.problem) ?? 0) + record.slotMs);
    return { boundMs: Math.max(total / slots, ...perProblem.values()), slotMs: total };
  };
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

  // 1. The pipelines of mathcoder eval, 4 x slots problems in flight.
  const pipelineStart = performance.now();
  const pipelineMs = await timedEval(backend, inFlight);
  const pipelineWork = boundMs(server.serving!.served);
  const pipelineUse = utilisation(server.serving!.served, pipelineStart, pipelineMs);

  // 2. Lock-step rounds over the same problems.
  server.serving!.served.length = 0;
  const started = performance.now();
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
  await server.close();

  console.log(`${allProblems.length} published problems (${problemsPerSet} SVAMP + ${problemsPerSet} Mathematics), server: ${slots} slots, ${msPerToken} ms/token, ${prefillMsPerToken} ms/prompt token`);
  console.log(`ideal bound (server capacity): ${(pipelineWork.boundMs / 1000).toFixed(2)} s = ${problemsPerSecond(pipelineWork.boundMs)} problems/s (${(pipelineWork.slotMs / 1000).toFixed(1)} slot-seconds of work)`);
  console.log(`mathcoder eval pipelines (${inFlight} in flight): ${(pipelineMs / 1000).toFixed(2)} s = ${problemsPerSecond(pipelineMs)} problems/s = ${((100 * pipelineWork.boundMs) / pipelineMs).toFixed(1)}% of the bound`);
  console.log(`lock-step rounds: ${(lockstepMs / 1000).toFixed(2)} s = ${problemsPerSecond(lockstepMs)} problems/s = ${((100 * lockstepWork.boundMs) / lockstepMs).toFixed(1)}% of its bound`);
  console.log(`pipelines / lock-step throughput: ${(lockstepMs / pipelineMs).toFixed(2)}x`);
  console.log(`slots in use by tenth of the run: pipelines ${pipelineUse}; lock-step ${lockstepUse}`);
}

/**
 * Part 3: three servers of different capacity used as one. A server's capacity is its slots over its time per
 * token (work: a generated token, or 20 prompt tokens of prefill); the bound is the work spread over the summed
 * capacities, or the longest problem's own chain on the fastest server, whichever is longer.
 */
async function threeServers(): Promise<void> {
  const half = Math.max(1, Math.round(slots / 2));
  const quarter = Math.max(1, Math.round(slots / 4));
  const fleet: ServingModel[] = [
    { slots: half, msPerToken, prefillMsPerToken },
    { slots: quarter, msPerToken, prefillMsPerToken },
    { slots: quarter, msPerToken: 2 * msPerToken, prefillMsPerToken: 2 * prefillMsPerToken },
  ];
  const servers = await Promise.all(fleet.map((serving) => startReplayServer({ files, protocol: 'openai-completions', model: 'mathcoder-cl-7b', recordRequests: false, serving })));
  const backend = await createBackend({ kind: 'openai-completions', syntax: 'mathcoder', bos: true, baseUrls: servers.map((server) => server.url), http: { timeoutMs: 600_000 } });
  const concurrency = 4 * fleet.reduce((sum, serving) => sum + serving.slots, 0);
  const startMs = performance.now();
  const wallMs = await timedEval(backend, concurrency);
  const stats = isPooledBackend(backend) ? backend.pool.stats() : [];
  await backend.close();
  await Promise.all(servers.map((server) => server.close()));

  // Work in units of one generated token's time; capacity in units per millisecond.
  const capacities = fleet.map((serving) => serving.slots / serving.msPerToken);
  const totalCapacity = capacities.reduce((sum, capacity) => sum + capacity, 0);
  const perProblem = new Map<string, number>();
  let work = 0;
  servers.forEach((server, index) => {
    for (const record of server.serving!.served) {
      const units = record.slotMs / fleet[index]!.msPerToken;
      work += units;
      perProblem.set(record.problem, (perProblem.get(record.problem) ?? 0) + units);
    }
  });
  const boundMs = Math.max(work / totalCapacity, Math.max(...perProblem.values()) * msPerToken);
  const describe = fleet.map((serving) => `${serving.slots} slots at ${serving.msPerToken} ms/token`).join(', ');
  console.log(`\n${allProblems.length} problems over 3 servers used as one (${describe}; summed capacity ${(totalCapacity * msPerToken).toFixed(1)} slots at ${msPerToken} ms/token), ${concurrency} in flight`);
  console.log(`bound set by the summed capacity: ${(boundMs / 1000).toFixed(2)} s = ${problemsPerSecond(boundMs)} problems/s`);
  console.log(`mathcoder eval over the three: ${(wallMs / 1000).toFixed(2)} s = ${problemsPerSecond(wallMs)} problems/s = ${((100 * boundMs) / wallMs).toFixed(1)}% of the bound (throughput / summed capacity: ${(boundMs / wallMs).toFixed(2)})`);
  // Share of all slots in use in each tenth of the run.
  const tenths = Array.from({ length: 10 }, () => 0);
  servers.forEach((server) => {
    for (const record of server.serving!.served) {
      for (let t = record.startMs; t < record.startMs + record.slotMs; t += 5) tenths[Math.min(9, Math.floor(((t - startMs) / wallMs) * 10))]! += 5;
    }
  });
  const allSlots = fleet.reduce((sum, serving) => sum + serving.slots, 0);
  console.log(`  slots in use by tenth of the run: ${tenths.map((ms) => `${Math.round((100 * ms) / ((wallMs / 10) * allSlots))}%`).join(' ')}`);
  const requests = stats.reduce((sum, server) => sum + server.requests, 0);
  stats.forEach((server, index) => {
    const slotMs = servers[index]!.serving!.served.reduce((sum, record) => sum + record.slotMs, 0);
    console.log(
      `  server ${index + 1} (${fleet[index]!.slots} slots, ${fleet[index]!.msPerToken} ms/token): ${((100 * server.requests) / requests).toFixed(1)}% of requests, ` +
        `${((100 * capacities[index]!) / totalCapacity).toFixed(1)}% of the capacity, slots in use ${((100 * slotMs) / (fleet[index]!.slots * wallMs)).toFixed(0)}% of the run`,
    );
  });
}
