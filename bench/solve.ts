/**
 * bench/solve: the solve loop's costs, each measured against its baseline in the same run.
 * 1. KV reuse on the embedded engine (tiny GGUF written by the test helpers): tokens evaluated and wall time per
 *    problem when a problem keeps its context sequence, vs a fresh sequence per round (the whole prefix again);
 *    a) the solve loop on scripted problems, b) the engine fed the token streams of published trajectories
 *    (their real lengths and round counts), round by round.
 * 2. Threads: llama.cpp tokens/s on the tiny model with 1 thread and with every core.
 * 3. HTTP backends against the stand-in server: time per round seen by the client vs the server's own time for
 *    the same requests (the overhead is HTTP, JSON, streaming and the token count before each call), and how many
 *    published trajectories each protocol rebuilt exactly.
 * Run: node --import tsx bench/solve.ts [--rows N] [--runs N] [--all]
 * (--all: section 3 on every published trajectory, 4 problems at a time; about 3 minutes a protocol on 2 cores)
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { MATHCODER_SYNTAX, SPECIAL_TOKENS, promptConversation } from '../src/format/index.js';
import { EmbeddedBackend } from '../src/llm/embedded/embedded-backend.js';
import { OpenAIChatBackend } from '../src/llm/http/openai-chat-backend.js';
import { OpenAICompletionsBackend } from '../src/llm/http/openai-completions-backend.js';
import { TgiBackend } from '../src/llm/http/tgi-backend.js';
import type { ModelBackend } from '../src/llm/create-backend.js';
import { chatBlocks } from '../src/llm/replay-server/replay-chat-script.js';
import { startReplayServer, type ReplayProtocolName } from '../src/llm/replay-server/replay-server.js';
import { GREEDY } from '../src/llm/types.js';
import { PythonSandbox } from '../src/sandbox/python-sandbox.js';
import { solveProblem, type SolveResult } from '../src/solve/index.js';
import { withoutKvReuse } from '../test/helpers/fresh-session-backend.js';
import { modelBlocks, publishedCases, type PublishedCase } from '../test/helpers/published-rows.js';
import { sharedPath, trajectoryFiles } from '../test/helpers/shared.js';
import { forEachConcurrent } from '../src/util/concurrency.js';
import { longScriptedProblem, SIX_TIMES_SEVEN, scriptedTranscript, type ScriptedProblem } from '../test/helpers/tiny-gguf-scripts.js';
import { temporaryModelFolder, writeTinyGguf } from '../test/helpers/tiny-gguf.js';
import { median } from './median.js';

const option = (name: string, fallback: number) => Number(process.argv[process.argv.indexOf(name) + 1]) || fallback;
const rowsPerFile = option('--rows', 20);
const everyRow = process.argv.includes('--all');
const runs = option('--runs', 10);

const ratio = (baseline: number, value: number) => `${(baseline / value).toFixed(2)}x`;
const folder = temporaryModelFolder();
const sandbox = await PythonSandbox.start({ pathVariable: process.env.PATH, poolSize: 2 });

// 1a. The solve loop on scripted problems, with and without KV reuse.
console.log('1a. solve loop on the tiny GGUF: per problem, KV reuse vs a fresh sequence each round (whole prefix again)');
for (const [name, problem, width] of [
  ['3-round scripted problem (SIX_TIMES_SEVEN)', SIX_TIMES_SEVEN, 256],
  ['4-round scripted problem, 2 x 100-word texts', longScriptedProblem(100), 512],
] as Array<[string, ScriptedProblem, number]>) {
  const path = join(folder.folder, `scripted-${width}.gguf`);
  writeTinyGguf({ path, transcripts: [scriptedTranscript(problem)], embeddingLength: width });
  const backend = await EmbeddedBackend.load({ modelPath: path, bos: true, requiredTokens: SPECIAL_TOKENS, contextSize: 2048 });
  const measure = async (model: ModelBackend) => {
    const times: number[] = [];
    let result: SolveResult | null = null;
    for (let run = 0; run < runs; run += 1) {
      result = await solveProblem(problem.question, model, sandbox);
      times.push(result.timings.generationMs);
    }
    return { evaluated: result!.tokens.evaluated!, total: result!.tokens.total!, rounds: result!.rounds, ms: median(times) };
  };
  const reuse = await measure(backend);
  const fresh = await measure(withoutKvReuse(backend));
  console.log(`  ${name}: ${reuse.rounds} rounds, ${reuse.total} tokens in the trajectory`);
  console.log(`    tokens evaluated: ${reuse.evaluated} with reuse, ${fresh.evaluated} re-sending the prefix (${ratio(fresh.evaluated, reuse.evaluated)})`);
  console.log(`    generation time per problem (median of ${runs}): ${reuse.ms.toFixed(1)} ms vs ${fresh.ms.toFixed(1)} ms (${ratio(fresh.ms, reuse.ms)})`);
  await backend.close();
}

// 1b. The engine fed published trajectories round by round.
const gsm8k = publishedCases(sharedPath('trajectories', 'mathcoder-l-7b', 'gsm8k.correct.jsonl'), rowsPerFile);
const math = publishedCases(sharedPath('trajectories', 'mathcoder-l-7b', 'math.correct.jsonl'), rowsPerFile);
{
  const path = join(folder.folder, 'plain-256.gguf');
  writeTinyGguf({ path, embeddingLength: 256 });
  const backend = await EmbeddedBackend.load({ modelPath: path, bos: true, requiredTokens: SPECIAL_TOKENS, contextSize: 8192 });
  const sequence = backend.context.getSequence();
  const meter = () => sequence.tokenMeter.usedInputTokens + sequence.tokenMeter.usedOutputTokens;
  let reuseTokens = 0;
  let freshTokens = 0;
  let reuseMs = 0;
  let freshMs = 0;
  let rounds = 0;
  let trajectoryTokens = 0;
  for (const { trajectory } of [...gsm8k, ...math]) {
    // The text at the start of each generation call: the prompt, then every block written before it.
    const prompt = MATHCODER_SYNTAX.render(promptConversation(trajectory.question));
    const prefixes: string[] = [];
    let text = prompt;
    for (const block of trajectory.blocks) {
      if (block.type !== 'execution') prefixes.push(text);
      text += MATHCODER_SYNTAX.renderBlocks([block]);
    }
    prefixes.push(text);
    rounds += prefixes.length;
    trajectoryTokens += backend.promptTokens(text).length;
    for (const reuse of [true, false]) {
      await sequence.clearHistory();
      const before = meter();
      const started = performance.now();
      for (const prefix of prefixes) {
        const tokens = backend.promptTokens(prefix);
        if (!reuse) await sequence.clearHistory();
        const common = Math.min(sequence.compareContextTokens(tokens).firstDifferentIndex, tokens.length - 1);
        if (common < sequence.nextTokenIndex) await sequence.eraseContextTokenRanges([{ start: common, end: sequence.nextTokenIndex }]);
        await sequence.evaluateWithoutGeneratingNewTokens(tokens.slice(common));
      }
      const elapsed = performance.now() - started;
      if (reuse) {
        reuseTokens += meter() - before;
        reuseMs += elapsed;
      } else {
        freshTokens += meter() - before;
        freshMs += elapsed;
      }
    }
  }
  const problems = gsm8k.length + math.length;
  console.log(`\n1b. the engine fed ${problems} published trajectories (MathCoder-L-7B, GSM8K and MATH), ${(rounds / problems).toFixed(1)} generation calls and ${Math.round(trajectoryTokens / problems)} tokens each on average`);
  console.log(`    tokens evaluated per problem: ${Math.round(reuseTokens / problems)} with reuse, ${Math.round(freshTokens / problems)} re-sending the prefix (${ratio(freshTokens, reuseTokens)})`);
  console.log(`    prompt evaluation per problem: ${(reuseMs / problems).toFixed(1)} ms vs ${(freshMs / problems).toFixed(1)} ms (${ratio(freshMs, reuseMs)})`);
  await sequence.dispose();
  await backend.close();
}

// 2. Threads.
{
  const path = join(folder.folder, 'plain-256.gguf');
  const prompt = MATHCODER_SYNTAX.render(promptConversation(gsm8k[0]!.trajectory.question));
  console.log(`\n2. llama.cpp threads on the tiny model (${availableParallelism()} cores here)`);
  for (const threads of [...new Set([1, 2, availableParallelism()])]) {
    const backend = await EmbeddedBackend.load({ modelPath: path, bos: true, requiredTokens: SPECIAL_TOKENS, threads, contextSize: 2048 });
    const session = await backend.openSession();
    const generated: number[] = [];
    const prefill: number[] = [];
    for (let run = 0; run < 3; run += 1) {
      // The all-zero model writes <unk> forever: a steady stream of 256 tokens.
      const generation = await session.generate({ prompt: `${prompt}${run}`, stop: [], maxTokens: 256, sampling: GREEDY });
      generated.push(generation.generatedTokens / (generation.durationMs / 1000));
      const long = gsm8k.map((entry) => entry.trajectory.question).join(' ').slice(0, 6000);
      const started = performance.now();
      const evaluation = await session.generate({ prompt: `${run}${long}`, stop: [], maxTokens: 1, sampling: GREEDY });
      prefill.push((evaluation.evaluatedTokens ?? 0) / ((performance.now() - started) / 1000));
    }
    console.log(`    ${threads} thread${threads > 1 ? 's' : ''}: generation ${median(generated).toFixed(0)} tokens/s, prompt evaluation ${median(prefill).toFixed(0)} tokens/s`);
    await session.close();
    await backend.close();
  }
}

// 3. HTTP backends against the stand-in server.
// MathCoder-CL's *.correct.jsonl files are subsets of the full files beside them.
const files = everyRow
  ? trajectoryFiles().filter((file) => !(file.includes('mathcoder-cl-7b') && file.endsWith('.correct.jsonl')))
  : [sharedPath('trajectories', 'mathcoder-cl-7b', 'svamp.jsonl'), sharedPath('trajectories', 'mathcoder-l-7b', 'gsm8k.correct.jsonl')];
const seen = new Set<string>();
const cases: PublishedCase[] = files
  .flatMap((file) => publishedCases(file, everyRow ? Infinity : rowsPerFile))
  .filter((entry) => !seen.has(entry.trajectory.question) && seen.add(entry.trajectory.question) !== undefined);
const concurrency = everyRow ? 4 : 1;
console.log(`\n3. HTTP backends vs the stand-in server's own time, ${cases.length} published problems, ${concurrency} at a time`);
for (const protocol of ['openai-completions', 'tgi', 'openai-chat'] as ReplayProtocolName[]) {
  const server = await startReplayServer({ files, protocol, contextSize: 1 << 20 });
  const http = { timeoutMs: 60_000, retries: 0, retryDelayMs: 10 };
  const backend: ModelBackend =
    protocol === 'openai-completions'
      ? await OpenAICompletionsBackend.connect({ ...http, baseUrl: server.url, bos: true, stopMode: 'stop-strings', requiredTokens: SPECIAL_TOKENS })
      : protocol === 'tgi'
        ? await TgiBackend.connect({ ...http, baseUrl: server.url, bos: true, requiredTokens: SPECIAL_TOKENS })
        : await OpenAIChatBackend.connect({ ...http, baseUrl: server.url });
  const before = server.requests.length;
  let rounds = 0;
  let generationMs = 0;
  let wallMs = 0;
  let executionMs = 0;
  let exact = 0;
  const stops = new Map<string, number>();
  await forEachConcurrent(cases, concurrency, async (entry) => {
    const result = await solveProblem(entry.trajectory.question, backend, sandbox, { limits: { maxRounds: 64, loopRepeats: null }, cellTimeoutMs: 1_000 });
    rounds += result.rounds;
    generationMs += result.timings.generationMs;
    wallMs += result.timings.totalMs;
    executionMs += result.timings.executionMs;
    stops.set(result.stopReason, (stops.get(result.stopReason) ?? 0) + 1);
    const published = protocol === 'openai-chat' ? chatBlocks(entry.trajectory.blocks) : entry.trajectory.blocks;
    if (JSON.stringify(modelBlocks(result.blocks)) === JSON.stringify(modelBlocks(published))) exact += 1;
  });
  const requests = server.requests.slice(before);
  const serverMs = requests.reduce((sum, request) => sum + request.handlingMs, 0);
  const loopMs = wallMs - executionMs;
  console.log(`  ${protocol}: ${rounds} rounds, rebuilt exactly ${exact}/${cases.length}, stop reasons ${[...stops].map(([reason, count]) => `${reason} ${count}`).join(', ')}`);
  console.log(
    `    per round: ${(loopMs / rounds).toFixed(2)} ms in the loop without cells (generation calls ${(generationMs / rounds).toFixed(2)} ms) ` +
      `vs ${(serverMs / rounds).toFixed(2)} ms in the server (${(requests.length / rounds).toFixed(1)} requests) -> overhead ${((loopMs - serverMs) / rounds).toFixed(2)} ms`,
  );
  await server.close();
}

await sandbox.close();
folder.remove();
