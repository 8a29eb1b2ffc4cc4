import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { datasetFromPath, loadDataset } from '../../datasets/index.js';
import { MathcoderError } from '../../errors.js';
import { referenceText } from '../../grade/grade-answer.js';
import { hubConfigFromEnvironment } from '../../hub/hub-config.js';
import { markdownSummary } from '../../eval/report-format.js';
import { modelFileIdentity, readManifest, sha256OfFile, type DatasetRecord, type ModelIdentity } from '../../eval/run-manifest.js';
import { RUN_FILES } from '../../eval/run-files.js';
import { runEval, type EvalDataset, type EvalOutcome, type RunEvalOptions } from '../../eval/run-eval.js';
import { writeRunReport } from '../../eval/run-report.js';
import { inShard } from '../../eval/shard.js';
import type { EvalConfig } from '../../eval/eval-config.js';
import type { ModelBackend } from '../../llm/create-backend.js';
import type { ResolvedModel } from '../../llm/model-file.js';
import { replayQuestions } from '../../llm/replay-server/published-index.js';
import { backendFromFlags, resolveModelFlag } from '../backend-connect.js';
import type { BackendFlagValues } from '../backend-flags.js';
import { cellTimeoutMs, promptSettings } from '../dialect-settings.js';
import { EvalProgressDisplay } from '../eval-progress.js';
import { startReplayServerProcess, type ReplayServerProcess } from '../replay-server-process.js';
import { startSandbox } from '../sandbox-start.js';
import { solveLimits } from '../solve-flags.js';
import type { EvalFlags, EvalInput } from './eval.js';

type References = { byDataset: Map<string, Map<string, string>>; model: string };

/**
 * The trajectories of a replayed run (published outputs or recorded transcripts): by question, the reference
 * answer the files grade against.
 */
function replayReferences(files: readonly string[]): References {
  const byDataset = new Map<string, Map<string, string>>();
  for (const file of files) {
    const dataset = datasetFromPath(file)!;
    const references = byDataset.get(dataset) ?? new Map<string, string>();
    let rows = 0;
    for (const { question, answer } of replayQuestions(file)) {
      if (!references.has(question)) references.set(question, referenceText(answer));
      rows += 1;
    }
    if (rows === 0) throw new MathcoderError('input', `--trajectories ${file} holds no trajectories`);
    byDataset.set(dataset, references);
  }
  // Published outputs live in a folder named after their model (mathcoder-cl-7b/svamp.jsonl).
  const model = [...new Set(files.map((file) => basename(dirname(resolve(file)))))].join('+');
  return { byDataset, model };
}

function configFrom(flags: EvalFlags, input: EvalInput): EvalConfig {
  return {
    datasets: input.names,
    limit: flags.limit ?? null,
    samples: flags.samples,
    concurrency: flags.concurrency,
    ...(input.shard ? { shard: input.shard } : {}),
    sampling: { temperature: flags.temperature, topP: flags.topP, seed: flags.seed },
    solve: {
      syntax: flags.syntax,
      ...promptSettings(flags, flags.syntax),
      ...solveLimits(flags),
      cellTimeoutMs: cellTimeoutMs(flags, flags.syntax),
    },
  };
}

async function modelIdentity(
  flags: EvalFlags,
  backend: ModelBackend,
  runDir: string,
  modelPath: string | null,
  replayModel: string | null,
  server: ReplayServerProcess | null,
  urls: readonly string[],
): Promise<ModelIdentity> {
  const manifestPath = join(runDir, RUN_FILES.manifest);
  const known = existsSync(manifestPath) ? readManifest(manifestPath).model.file : undefined;
  const info = backend.info;
  return {
    backend: flags.backend,
    name: replayModel ?? info.model,
    ...(modelPath ? { file: await modelFileIdentity(modelPath, known) } : {}),
    // A replayed run is the published files (their hashes are in the dataset records), not the stand-in server's port.
    ...(server || urls.length === 0 ? {} : urls.length === 1 ? { url: urls[0] } : { urls }),
    contextSize: info.contextSize,
    bos: info.bos,
    details: info.details,
  };
}

/** Each set from the data folder (or the hub), cut to --limit; a replayed run keeps the questions the files answer. */
async function loadProblems(
  names: readonly string[],
  config: EvalConfig,
  source: { dataDir: string; hub: ReturnType<typeof hubConfigFromEnvironment> },
  references: References | null,
  trajectories: readonly string[],
): Promise<{ datasets: EvalDataset[]; datasetRecords: DatasetRecord[] }> {
  const datasets: EvalDataset[] = [];
  const datasetRecords: DatasetRecord[] = [];
  for (const name of names) {
    const loaded = await loadDataset(name, source);
    const served = references?.byDataset.get(name);
    const chosen = loaded.problems
      .map((problem, index) => ({ problem, index }))
      .filter(({ problem }) => !served || served.has(problem.question))
      .slice(0, config.limit ?? Infinity);
    if (served && chosen.length === 0) throw new MathcoderError('input', `none of the questions of the ${name} trajectories is a ${name} problem of ${loaded.location.paths.join(', ')}: are they the right files?`);
    // A shard takes its part of what the whole run would do (--limit first), by a hash of each problem's id.
    const problems = inShard(chosen, ({ problem }) => problem.id, config.shard).map(({ problem, index }) => ({ problem, index, reference: served?.get(problem.question) ?? problem.answer }));
    datasets.push({ name, problems });
    const files = [...loaded.location.paths, ...trajectories.filter((file) => datasetFromPath(file) === name)];
    datasetRecords.push({ name, files: await Promise.all(files.map(async (path) => ({ path: resolve(path), sha256: await sha256OfFile(path) }))), problems: problems.length });
  }
  return { datasets, datasetRecords };
}

/** Runs the evaluation with a progress display; Ctrl-C stops starting problems and keeps what is written. */
async function runWithProgress(options: Omit<RunEvalOptions, 'onStart' | 'onProgress' | 'signal'>): Promise<EvalOutcome> {
  const display = new EvalProgressDisplay({ concurrency: options.config.concurrency });
  const interrupt = new AbortController();
  const onSignal = () => interrupt.abort();
  process.once('SIGINT', onSignal);
  try {
    return await runEval({ ...options, onStart: (plan) => display.start(plan), onProgress: (progress) => display.update(progress), signal: interrupt.signal });
  } finally {
    process.off('SIGINT', onSignal);
    display.stop();
  }
}

/**
 * `mathcoder eval`, its flags and files checked. The model file and the data come first (a download that fails,
 * a server that does not answer, a set that is nowhere: said before anything starts), then the sandbox warms up
 * while the model loads (or the replay server starts).
 */
export async function runEvaluation(flags: EvalFlags, input: EvalInput): Promise<void> {
  const hub = hubConfigFromEnvironment(process.env);
  const dataDir = flags.dataDir ?? join(hub.cacheDir, 'datasets');
  const replay = flags.backend === 'replay';
  const references = replay ? replayReferences(flags.trajectories!) : null;
  const config = configFrom(flags, input);
  const { urls } = input;
  const runDir = resolve(flags.out);
  const backendKind = replay ? 'openai-completions' : (flags.backend as BackendFlagValues['backend']);
  const resolvedModel: ResolvedModel | null = backendKind === 'embedded' ? await resolveModelFlag(flags) : null;
  const connect = (baseUrl = urls[0]) =>
    backendFromFlags(
      { ...flags, backend: backendKind, baseUrl, ...(urls.length > 1 && !replay ? { baseUrls: urls } : {}) },
      { sequences: config.concurrency, ...(resolvedModel ? { resolvedModel } : {}) },
    );
  // A model server (or several, used as one) is asked now: if none can be reached, nothing else starts.
  let backend: ModelBackend | null = !replay && backendKind !== 'embedded' ? await connect() : null;
  let server: ReplayServerProcess | null = null;
  let sandboxStarting: ReturnType<typeof startSandbox> | null = null;
  try {
    const { datasets, datasetRecords } = await loadProblems(input.names, config, { dataDir, hub }, references, flags.trajectories ?? []);
    // The sandbox takes a second or two to import and warm sympy: it starts while the model loads. Two sessions
    // forked ahead are enough: a fork takes milliseconds, a model's answer far longer, and every session forked
    // ahead and never used is CPU spent for nothing when the run ends.
    sandboxStarting = startSandbox(flags, { poolSize: Math.min(config.concurrency, 2) });
    sandboxStarting.catch(() => undefined);
    if (replay) {
      server = await startReplayServerProcess(flags.trajectories!);
      backend = await connect(server.url);
    }
    backend ??= await connect();
    const sandbox = await sandboxStarting;
    const model = await modelIdentity(flags, backend, runDir, resolvedModel?.path ?? null, references?.model ?? null, server, urls);
    const outcome = await runWithProgress({ runDir, config, datasets, datasetRecords, backend, model, sandbox, lock: input.lock, command: process.argv.slice(2), ...(flags.force ? { force: true } : {}) });
    const report = await writeRunReport(runDir);
    process.stdout.write(markdownSummary(report));
    const summary = `${outcome.written} rows written, ${outcome.skipped} already done${outcome.failed ? `, ${outcome.failed} failed (redone on resume)` : ''}`;
    process.stderr.write(`${summary}; report: ${join(runDir, RUN_FILES.report)}\n`);
    if (outcome.repairedBytes > 0) process.stderr.write(`a row cut short by an earlier crash (${outcome.repairedBytes} bytes) was removed and redone\n`);
    if (outcome.stoppedEarly) throw new MathcoderError('eval', `the run stopped early: ${outcome.stoppedEarly}; the rows so far are kept, run the same command again to resume`);
  } finally {
    await backend?.close();
    await server?.close();
    await (await sandboxStarting?.catch(() => null))?.close();
  }
}
