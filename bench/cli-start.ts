/**
 * How long the built CLI takes to print its help and to refuse bad input (a newcomer's first minutes): each
 * command run `--runs` times, the median wall time printed next to `node -e 0` measured in the same run (the
 * floor any Node.js command pays). Bad inputs are refused before anything heavy loads, so each should be a
 * small multiple of that floor, well under a second and a half.
 *
 *   npm run bench:cli-start [-- --runs 5]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { closedPort } from '../test/helpers/faulty-server.js';
import { sharedPath } from '../test/helpers/shared.js';
import { median } from './median.js';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const runsFlag = process.argv.indexOf('--runs');
const RUNS = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 5;

function timed(args: readonly string[], env: NodeJS.ProcessEnv = {}): { ms: number; code: number | null; line: string } {
  const times: number[] = [];
  let last = { code: null as number | null, line: '' };
  for (let run = 0; run < RUNS; run++) {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, ...env }, cwd: ROOT });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    last = { code: result.status, line: (result.stderr.trim().split('\n')[0] ?? '').slice(0, 90) };
  }
  return { ms: median(times), ...last };
}

const work = mkdtempSync(join(tmpdir(), 'mathcoder-bench-cli-'));
try {
  mkdirSync(join(work, 'folder'));
  writeFileSync(join(work, 'empty.jsonl'), '');
  writeFileSync(join(work, 'text.gguf'), 'not a model\n');
  const seed = { id: 'gsm8k-train/1', source: 'gsm8k', question: 'Natalia sold 48 clips in April and half as many in May. How many in all?', answer: '72', origin: { where: 'bench:1' } };
  writeFileSync(join(work, 'seeds.jsonl'), `${JSON.stringify(seed)}\n`);
  const published = sharedPath('trajectories', 'mathcoder-cl-7b', 'svamp.jsonl');
  const refused = `http://127.0.0.1:${await closedPort()}`;
  const cases: Array<[string, string[], NodeJS.ProcessEnv?]> = [
    ['--help', ['--help']],
    ['eval --help', ['eval', '--help']],
    ['solve --file FOLDER', ['solve', '--file', join(work, 'folder')]],
    ['solve --model NOT-GGUF', ['solve', '2+2?', '--model', join(work, 'text.gguf')]],
    ['solve, server refuses', ['solve', '2+2?', '--backend', 'openai-completions', '--base-url', `${refused}/v1`]],
    ['solve, offline, no model', ['solve', '2+2?'], { MATHCODER_CACHE: join(work, 'cache'), HF_ENDPOINT: refused }],
    ['eval --model nope', ['eval', '--model', 'nope', '--out', join(work, 'run')]],
    ['eval --out FILE', ['eval', '--backend', 'replay', '--trajectories', published, '--out', join(work, 'text.gguf')]],
    ['eval, empty trajectories', ['eval', '--backend', 'replay', '--trajectories', join(work, 'empty.jsonl'), '--out', join(work, 'run')]],
    ['data clean MISSING', ['data', 'clean', join(work, 'missing.jsonl'), '--out', join(work, 'kept.jsonl'), '--removed', join(work, 'removed.jsonl')]],
    ['data d0, no API key', ['data', 'd0', '--seeds', join(work, 'seeds.jsonl'), '--out', join(work, 'd0')], { OPENAI_API_KEY: '' }],
    ['train prepare FOLDER', ['train', 'prepare', join(work, 'folder'), '--tokenizer', 'llama2', '--out', join(work, 'prepared')]],
    ['serve --host 0.0.0.0, no token', ['serve', '--runs', join(work, 'folder'), '--host', '0.0.0.0'], { MATHCODER_TOKEN: '' }],
  ];
  const floor = timed(['-e', '0']);
  console.log(`node -e 0: ${floor.ms.toFixed(0)} ms (median of ${RUNS})`);
  console.log('| command | median ms | x node -e 0 | exit | first line of stderr |');
  console.log('|---|---|---|---|---|');
  for (const [name, args, env] of cases) {
    const result = timed([CLI, ...args], env);
    console.log(`| ${name} | ${result.ms.toFixed(0)} | ${(result.ms / floor.ms).toFixed(1)} | ${result.code} | ${result.line.replace(/\|/g, '\\|')} |`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
