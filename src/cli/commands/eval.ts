import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DATASET_NAMES, datasetFromPath, datasetSpec } from '../../datasets/catalogue.js';
import { MathcoderError } from '../../errors.js';
import { parseShard, type ShardSpec } from '../../eval/shard.js';
import { FolderLock } from '../../util/folder-lock.js';
import { checkBackendFlags, checkBackendReachable } from '../backend-checks.js';
import { addBackendFlags, type BackendFlagValues } from '../backend-flags.js';
import { httpUrl, inputFile, inputFolder, inputRowFiles, outputFolder } from '../input-checks.js';
import { positiveInteger, runCommand } from '../run-command.js';
import { addSandboxFlags, checkSandboxFlags, type SandboxFlagValues } from '../sandbox-flags.js';
import { addSolveFlags, type SolveFlagValues } from '../solve-flags.js';

/** The five sets of the paper's Table 2: what `eval` runs without --datasets. */
export const PAPER_SETS = ['gsm8k', 'math', 'svamp', 'mathematics', 'simuleq'];

export interface EvalFlags extends Omit<BackendFlagValues, 'backend' | 'baseUrl' | 'baseUrls'>, SandboxFlagValues, SolveFlagValues {
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
  const names = list === undefined ? [...fallback] : list.split(',').map((name) => name.trim().toLowerCase()).filter(Boolean);
  if (names.length === 0) throw new MathcoderError('input', `--datasets is empty; known: ${DATASET_NAMES.join(', ')}`);
  for (const name of names) datasetSpec(name); // an unknown name is an error that lists the known ones
  return [...new Set(names)];
}

/** The published trajectory files of a replayed run, by the dataset their name says. */
function trajectoryDatasets(files: readonly string[]): string[] {
  inputRowFiles(files, 'trajectories', '--trajectories');
  const datasets = files.map((file) => {
    const dataset = datasetFromPath(file);
    if (dataset === null) throw new MathcoderError('input', `--trajectories ${file}: cannot tell which dataset it is from its name; name it after one of ${DATASET_NAMES.join(', ')}`);
    return dataset;
  });
  return [...new Set(datasets)];
}

/** The model servers: each --base-url, then the lines of --base-urls-file (# starts a comment); each one a URL. */
function modelServerUrls(flags: EvalFlags): string[] {
  const urls = [...(flags.baseUrl ?? [])];
  for (const url of urls) httpUrl(url, '--base-url');
  if (flags.baseUrlsFile !== undefined) {
    inputFile(flags.baseUrlsFile, '--base-urls-file');
    const listed = readFileSync(flags.baseUrlsFile, 'utf8')
      .split('\n')
      .map((line) => line.replace(/#.*/, '').trim())
      .filter(Boolean);
    if (listed.length === 0) throw new MathcoderError('input', `--base-urls-file ${flags.baseUrlsFile} lists no server: write one URL a line`);
    for (const url of listed) httpUrl(url, `--base-urls-file ${flags.baseUrlsFile}:`);
    urls.push(...listed);
  }
  return urls;
}

/** What the checks found: the datasets to run, the model servers, the shard, and the run folder's lock (held). */
export interface EvalInput {
  readonly names: readonly string[];
  readonly urls: readonly string[];
  readonly shard: ShardSpec | null;
  readonly lock: FolderLock;
}

/**
 * Every flag and file checked (and the model's server or the hub reached), before anything loads; the run folder
 * is locked (one eval at a time writes it) before the network is asked and anything heavy starts.
 */
async function checkEvalInput(flags: EvalFlags): Promise<EvalInput> {
  const replay = flags.backend === 'replay';
  if (replay && !flags.trajectories?.length) throw new MathcoderError('input', '--backend replay needs --trajectories FILE... (published MathCoder outputs or recorded transcripts)');
  if (!replay && flags.trajectories) throw new MathcoderError('input', '--trajectories is for --backend replay');
  if (replay && (flags.baseUrl !== undefined || flags.baseUrlsFile !== undefined)) {
    throw new MathcoderError('input', '--backend replay starts its own stand-in server: leave out --base-url and --base-urls-file');
  }
  const shard = flags.shard === undefined ? null : parseShard(flags.shard);
  const covered = replay ? trajectoryDatasets(flags.trajectories!) : null;
  const names = parseDatasets(flags.datasets, covered ?? PAPER_SETS);
  const uncovered = covered ? names.filter((name) => !covered.includes(name)) : [];
  if (uncovered.length > 0) throw new MathcoderError('input', `no trajectory file given for ${uncovered.join(', ')}; the replayed files cover ${covered!.join(', ')}`);
  const urls = modelServerUrls(flags);
  const model = { ...flags, backend: flags.backend as BackendFlagValues['backend'], baseUrl: urls[0], baseUrls: urls };
  if (!replay) await checkBackendFlags(model);
  checkSandboxFlags(flags);
  if (flags.dataDir !== undefined) inputFolder(flags.dataDir, '--data-dir');
  outputFolder(flags.out);
  const lock = FolderLock.acquire(resolve(flags.out), `mathcoder ${process.argv.slice(2).join(' ')}`.slice(0, 300));
  try {
    if (!replay) await checkBackendReachable(model);
  } catch (error) {
    lock.release();
    throw error;
  }
  return { names, urls, shard, lock };
}

export function registerEvalCommand(program: Command): void {
  const command = program
    .command('eval')
    .description('run a model over the benchmarks, K problems at a time; results are appended as they finish and a run resumes where it stopped')
    .requiredOption('--out <dir>', 'the run folder: manifest.json, results.jsonl, report.md')
    .option('--datasets <list>', `comma-separated sets (default: the paper's ${PAPER_SETS.join(',')}; known: ${DATASET_NAMES.join(', ')})`)
    .option('--data-dir <dir>', 'folder laid out like ../shared/data (default: datasets/ in the cache, MATHCODER_CACHE or ~/.cache/mathcoder; missing sets are downloaded from the hub)')
    .option('--limit <n>', 'only the first n problems of each set', positiveInteger('--limit'))
    .option('--concurrency <k>', 'problems solved at once', positiveInteger('--concurrency'), Math.max(4, availableParallelism() * 2))
    .option('--samples <n>', 'samples per problem (pass@k, maj@k, all-agree)', positiveInteger('--samples'), 1)
    .option('--trajectories <files...>', '--backend replay: published trajectory files to serve as the model (their questions pick the problems)')
    .option('--shard <i/n>', 'only shard i of n (0 <= i < n) of the problems, chosen by a hash of their ids, into its own --out; mathcoder report/view merge the shard folders')
    .option('--force', 'resume into a run made with another model or config anyway');
  addSolveFlags(command, { noun: 'problem', seed: 0, seedHelp: 'seed of sample 0 (sample s uses seed + s)' });
  addSandboxFlags(
    addBackendFlags(command, {
      severalServers: true,
      extraBackends: ['replay'],
      backendHelp: 'model backend: llama.cpp in this process, a model server, or replay (published trajectories, --trajectories, served by the stand-in OpenAI completions server)',
    }),
  ).action((flags: EvalFlags) =>
    runCommand(
      async () => {
        const input = await checkEvalInput(flags);
        try {
          const { runEvaluation } = await import('./eval-run.js');
          await runEvaluation(flags, input);
        } finally {
          input.lock.release();
        }
      },
      { outputFolders: [flags.out] },
    ),
  );
}
