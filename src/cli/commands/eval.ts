import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { DATASET_NAMES, datasetFromPath, datasetSpec, loadDataset } from '../../datasets/index.js';
import { MathcoderError, errorMessage } from '../../errors.js';
import { referenceText } from '../../grade/grade-answer.js';
import { hubConfigFromEnvironment } from '../../hub/hub-config.js';
import { markdownSummary } from '../../eval/report-format.js';
import { modelFileIdentity, readManifest, sha256OfFile, type DatasetRecord, type ModelIdentity } from '../../eval/run-manifest.js';
import { RUN_FILES } from '../../eval/run-files.js';
import { runEval, type EvalDataset, type EvalOutcome, type RunEvalOptions } from '../../eval/run-eval.js';
import { inShard, parseShard, type ShardSpec } from '../../eval/shard.js';
import { writeRunReport } from '../../eval/run-report.js';
import type { EvalConfig } from '../../eval/eval-config.js';
import type { ModelBackend } from '../../llm/create-backend.js';
import { replayQuestions } from '../../llm/replay-server/published-index.js';
import { FolderLock } from '../../util/folder-lock.js';
import { addBackendFlags, backendFromFlags, resolveModelFlag, type BackendFlagValues } from '../backend-flags.js';
import { EvalProgressDisplay } from '../eval-progress.js';
import { startReplayServerProcess, type ReplayServerProcess } from '../replay-server-process.js';
import { positiveInteger, runCommand } from '../run-command.js';
import { addSandboxFlags, cellTimeoutMs, startSandbox, type SandboxFlagValues } from '../sandbox-flags.js';
import { addSolveFlags, promptSettings, solveLimits, type SolveFlagValues } from '../solve-flags.js';

const PAPER_SETS = ['gsm8k', 'math', 'svamp', 'mathematics', 'simuleq'];

interface EvalFlags extends Omit<BackendFlagValues, 'backend' | 'baseUrl' | 'baseUrls'>, SandboxFlagValues, SolveFlagValues {
  readonly backend: BackendFlagValues['backend'] | 'replay';
  /** Each --base-url given. */
  readonly baseUrl?: string[];
  readonly baseUrlsFile?: string;
  readonly shard?: string;
  readonly datasets?: string;
  readonly dataDir?: string;
  readonly limit?: number;
  readonly concurrency: number;
  readonly samples: number;
  readonly seed: number;
  readonly out: string;
  readonly force?: boolean;
  readonly trajectories?: string[];
}

function parseDatasets(list: string | undefined, fallback: readonly string[]): string[] {
  const names = list === undefined ? [...fallback] : list.split(',').map((name) => name.trim()).filter(Boolean);
  if (names.length === 0) throw new MathcoderError('input', `--datasets is empty; known: ${DATASET_NAMES.join(', ')}`);
  for (const name of names) datasetSpec(name); // an unknown name is an error that lists the known ones
  return [...new Set(names)];
}

/** The published trajectories of a replayed run: by question, the reference answer the published files grade against. */
function replayReferences(files: readonly string[]): { byDataset: Map<string, Map<string, string>>; model: string } {
  const byDataset = new Map<string, Map<string, string>>();
  for (const file of files) {
    const dataset = datasetFromPath(file);
    if (dataset === null) throw new MathcoderError('input', `cannot tell which dataset ${file} is from its name; name it after one of ${DATASET_NAMES.join(', ')}`);
    const references = byDataset.get(dataset) ?? new Map<string, string>();
    for (const { question, answer } of replayQuestions(file)) {
      if (!references.has(question)) references.set(question, referenceText(answer));
    }
    byDataset.set(dataset, references);
  }
  // Published outputs live in a folder named after their model (mathcoder-cl-7b/svamp.jsonl).
  const model = [...new Set(files.map((file) => basename(dirname(resolve(file)))))].join('+');
  return { byDataset, model };
}

/** The model servers: each --base-url, then the lines of --base-urls-file. */
function modelServerUrls(flags: EvalFlags): string[] {
  const urls = [...(flags.baseUrl ?? [])];
  if (flags.baseUrlsFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(flags.baseUrlsFile, 'utf8');
    } catch (error) {
      throw new MathcoderError('input', `cannot read --base-urls-file ${flags.baseUrlsFile}: ${errorMessage(error)}`);
    }
    const listed = text.split('\n').map((line) => line.replace(/#.*/, '').trim()).filter(Boolean);
    if (listed.length === 0) throw new MathcoderError('input', `--base-urls-file ${flags.baseUrlsFile} lists no server: write one URL a line`);
    urls.push(...listed);
  }
  return urls;
}

function configFrom(flags: EvalFlags, datasets: readonly string[], shard: ShardSpec | null): EvalConfig {
  return {
    datasets,
    limit: flags.limit ?? null,
    samples: flags.samples,
    concurrency: flags.concurrency,
    ...(shard ? { shard } : {}),
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
  references: ReturnType<typeof replayReferences> | null,
  trajectories: readonly string[],
): Promise<{ datasets: EvalDataset[]; datasetRecords: DatasetRecord[] }> {
  const datasets: EvalDataset[] = [];
  const datasetRecords: DatasetRecord[] = [];
  for (const name of names) {
    const loaded = await loadDataset(name, source);
    const served = references?.byDataset.get(name);
    if (references && !served) throw new MathcoderError('input', `no trajectory file given for ${name}; the replayed files cover ${[...references.byDataset.keys()].join(', ')}`);
    const chosen = loaded.problems.filter((problem) => !served || served.has(problem.question)).slice(0, config.limit ?? Infinity);
    // A shard takes its part of what the whole run would do (--limit first), by a hash of each problem's id.
    const problems = inShard(chosen, (problem) => problem.id, config.shard).map((problem) => ({ problem, reference: served?.get(problem.question) ?? problem.answer }));
    datasets.push({ name, problems });
    const files = [...loaded.location.paths, ...trajectories.filter((file) => datasetFromPath(file) === name)];
    datasetRecords.push({ name, files: await Promise.all(files.map(async (path) => ({ path: resolve(path), sha256: await sha256OfFile(path) }))), problems: problems.length });
  }
  return { datasets, datasetRecords };
}

/** Runs the evaluation with a progress display; Ctrl-C stops starting problems and keeps what is written. */
async function runWithProgress(options: Omit<RunEvalOptions, 'onStart' | 'onProgress' | 'signal'>): Promise<EvalOutcome> {
  const display = new EvalProgressDisplay();
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

export function registerEvalCommand(program: Command): void {
  const command = program
    .command('eval')
    .description('run a model over the benchmarks, K problems at a time; results are appended as they finish and a run resumes where it stopped')
    .option('--datasets <list>', `comma-separated sets (default: the paper's ${PAPER_SETS.join(',')}; known: ${DATASET_NAMES.join(', ')})`)
    .option('--data-dir <dir>', 'folder laid out like ../shared/data (default: MATHCODER_CACHE or ~/.cache/mathcoder, /datasets; missing sets are downloaded from the hub)')
    .option('--limit <n>', 'only the first n problems of each set', positiveInteger('--limit'))
    .option('--concurrency <k>', 'problems solved at once', positiveInteger('--concurrency'), Math.max(4, availableParallelism() * 2))
    .option('--samples <n>', 'samples per problem (pass@k, maj@k, all-agree)', positiveInteger('--samples'), 1)
    .option('--trajectories <files...>', '--backend replay: published trajectory files to serve as the model (their questions pick the problems)')
    .option('--shard <i/n>', 'only shard i of n (0 <= i < n) of the problems, chosen by a hash of their ids, into its own --out; mathcoder report/view merge the shard folders')
    .requiredOption('--out <dir>', 'the run folder: manifest.json, results.jsonl, report.md')
    .option('--force', 'resume into a run made with another model or config anyway');
  addSolveFlags(command, { noun: 'problem', seed: 0, seedHelp: 'seed of sample 0 (sample s uses seed + s)' });
  addSandboxFlags(
    addBackendFlags(command, {
      severalServers: true,
      extraBackends: ['replay'],
      backendHelp: 'model backend; replay serves published trajectories (--trajectories) through the stand-in OpenAI completions server',
    }),
  ).action((flags: EvalFlags) =>
    runCommand(async () => {
      const hub = hubConfigFromEnvironment(process.env);
      const dataDir = flags.dataDir ?? join(hub.cacheDir, 'datasets');
      const replay = flags.backend === 'replay';
      if (replay && !flags.trajectories?.length) throw new MathcoderError('input', '--backend replay needs --trajectories FILE... (published MathCoder outputs or recorded transcripts)');
      if (!replay && flags.trajectories) throw new MathcoderError('input', '--trajectories is for --backend replay');
      const references = replay ? replayReferences(flags.trajectories!) : null;
      const names = parseDatasets(flags.datasets, references ? [...references.byDataset.keys()] : PAPER_SETS);
      const urls = modelServerUrls(flags);
      if (replay && urls.length > 0) throw new MathcoderError('input', '--backend replay starts its own stand-in server: leave out --base-url');
      const config = configFrom(flags, names, flags.shard === undefined ? null : parseShard(flags.shard));
      const runDir = resolve(flags.out);
      // One eval at a time writes a run folder: a second is refused here, before anything heavy starts.
      const lock = FolderLock.acquire(runDir, `mathcoder ${process.argv.slice(2).join(' ')}`.slice(0, 300));
      // The sandbox takes a second or two to import and warm sympy: it starts while the data and the model load.
      // Two sessions forked ahead are enough: a fork takes milliseconds, a model's answer far longer, and every
      // session forked ahead and never used is CPU spent for nothing when the run ends.
      const sandboxStarting = startSandbox(flags, { poolSize: Math.min(config.concurrency, 2) });
      sandboxStarting.catch(() => undefined);
      try {
        const { datasets, datasetRecords } = await loadProblems(names, config, { dataDir, hub }, references, flags.trajectories ?? []);
        const server = replay ? await startReplayServerProcess(flags.trajectories!) : null;
        try {
          const backendFlags: BackendFlagValues = {
            ...flags,
            backend: replay ? 'openai-completions' : flags.backend,
            baseUrl: server ? server.url : urls[0],
            ...(urls.length > 1 ? { baseUrls: urls } : {}),
          };
          const resolvedModel = backendFlags.backend === 'embedded' ? await resolveModelFlag(flags) : null;
          const backend = await backendFromFlags(backendFlags, { sequences: config.concurrency, ...(resolvedModel ? { resolvedModel } : {}) });
          try {
            const sandbox = await sandboxStarting;
            const model = await modelIdentity(flags, backend, runDir, resolvedModel?.path ?? null, references?.model ?? null, server, urls);
            const outcome = await runWithProgress({ runDir, config, datasets, datasetRecords, backend, model, sandbox, lock, command: process.argv.slice(2), ...(flags.force ? { force: true } : {}) });
            const report = await writeRunReport(runDir);
            process.stdout.write(markdownSummary(report));
            const summary = `${outcome.written} rows written, ${outcome.skipped} already done${outcome.failed ? `, ${outcome.failed} failed (redone on resume)` : ''}`;
            process.stderr.write(`${summary}; report: ${join(runDir, RUN_FILES.report)}\n`);
            if (outcome.repairedBytes > 0) process.stderr.write(`a row cut short by an earlier crash (${outcome.repairedBytes} bytes) was removed and redone\n`);
            if (outcome.stoppedEarly) throw new MathcoderError('eval', `the run stopped early: ${outcome.stoppedEarly}; the rows so far are kept, run the same command again to resume`);
          } finally {
            await backend.close();
          }
        } finally {
          await server?.close();
        }
      } finally {
        await (await sandboxStarting.catch(() => null))?.close();
        lock.release();
      }
    }),
  );
}
