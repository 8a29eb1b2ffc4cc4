import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { closedPort } from '../helpers/faulty-server.js';
import { REPO_ROOT, sharedPath } from '../helpers/shared.js';

/**
 * A newcomer's bad inputs, each answered by the built CLI with exit code 1, nothing on standard output, exactly one
 * line on standard error that says what to fix (no stack trace, no internal error), and no heavy work started: the
 * modules of the sandbox, llama.cpp, the HTTP server and the evaluation loop are never even loaded (every module
 * the process loads is logged by a loader hook), and no output folder is left behind. How long each takes is
 * measured outside the tests (README: "Bad input"); here only what happens is checked.
 */

const MODULE_LOG_HOOK = join(REPO_ROOT, 'test', 'helpers', 'module-log.mjs');

/**
 * Modules that mean heavy work started: the sandbox (its module loads only when one starts), llama.cpp, the HTTP
 * server and the replay server. Any of them loaded is a failure of the check-first rule.
 */
const HEAVY_MODULES = ['/node_modules/node-llama-cpp/', '/node_modules/hono/', '/node_modules/@hono/', '/dist/sandbox/python-sandbox.js', '/dist/server/start-server.js', '/dist/llm/replay-server/replay-server.js'];

const SVAMP = sharedPath('trajectories', 'mathcoder-cl-7b', 'svamp.jsonl');
const DATA = sharedPath('data');

let work: string;
let busy: Server;
let busyPort: number;
let refusedUrl: string;
let secondRefusedUrl: string;

/** Paths in the work folder; `fresh(name)` is one that does not exist and must not be created. */
const at = (...parts: string[]) => join(work, ...parts);
const fresh = (name: string) => at('fresh', name);

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'mathcoder-bad-inputs-'));
  mkdirSync(at('a-folder'));
  mkdirSync(at('fresh'));
  mkdirSync(at('logs'));
  writeFileSync(at('a-file.txt'), 'hello\n');
  writeFileSync(at('not-a-model.gguf'), 'this is text, not GGUF\n');
  writeFileSync(at('empty.jsonl'), '');
  writeFileSync(at('blank.jsonl'), '\n  \n\n');
  mkdirSync(at('named'));
  writeFileSync(at('named', 'svamp.jsonl'), '');
  writeFileSync(
    at('seeds.jsonl'),
    JSON.stringify({ id: 'gsm8k-train/1', source: 'gsm8k', question: 'Natalia sold 48 clips in April and half as many in May. How many in all?', answer: '72', origin: { where: 'fixture:1' } }) + '\n',
  );
  // A run folder whose evaluation never wrote a row.
  mkdirSync(at('run-without-rows'));
  writeFileSync(
    at('run-without-rows', 'manifest.json'),
    JSON.stringify({ version: 1, createdAt: '2024-01-01T00:00:00.000Z', updatedAt: '2024-01-01T00:00:00.000Z', command: [], config: { datasets: ['svamp'], sampling: {}, solve: {} }, model: { backend: 'replay', name: 'm' }, datasets: [] }),
  );
  busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  busyPort = (busy.address() as { port: number }).port;
  refusedUrl = `http://127.0.0.1:${await closedPort()}/v1`;
  secondRefusedUrl = `http://127.0.0.1:${await closedPort()}/v1`;
  writeFileSync(at('servers-none.txt'), '# no server yet\n\n');
  writeFileSync(at('servers-bad.txt'), `${refusedUrl}\nlocalhost:8001\n`);
  writeFileSync(at('servers-down.txt'), `${refusedUrl}\n${secondRefusedUrl}  # both down\n`);
  writeFileSync(at('empty-token'), '  \n');
  // A run folder another eval is writing: its lock names this (live) test process.
  mkdirSync(at('locked'));
  writeFileSync(at('locked', '.lock'), JSON.stringify({ pid: process.pid, startTime: null, host: hostname(), since: new Date().toISOString(), command: 'mathcoder eval (the test holds it)' }) + '\n');
});

afterAll(async () => {
  await new Promise<void>((resolve) => (busy ? busy.close(() => resolve()) : resolve()));
  if (work) rmSync(work, { recursive: true, force: true });
});

interface Case {
  readonly name: string;
  readonly args: () => string[];
  readonly message: RegExp;
  readonly env?: () => Record<string, string>;
}

/** The table: each bad input and the line that must answer it. */
const CASES: readonly Case[] = [
  // solve
  { name: 'solve: an empty question', args: () => ['solve', '   '], message: /^mathcoder: the question is empty$/ },
  { name: 'solve: --file that does not exist', args: () => ['solve', '--file', at('missing.txt')], message: /^mathcoder: cannot read --file .*missing\.txt: no such file$/ },
  { name: 'solve: --file that is a folder', args: () => ['solve', '--file', at('a-folder')], message: /^mathcoder: --file .*a-folder is a folder: give a file$/ },
  { name: 'solve: an unknown model name', args: () => ['solve', 'What is 2+2?', '--model', 'nope'], message: /^mathcoder: model "nope" is not a file that exists, an hf:OWNER\/REPO\/FILE\.gguf reference, or a known name \(mathcoder-cl-7b, mathcoder-l-7b, .*gpt-oss-20b\)$/ },
  { name: 'solve: a model file that is not GGUF', args: () => ['solve', 'What is 2+2?', '--model', at('not-a-model.gguf')], message: /^mathcoder: --model .*not-a-model\.gguf is not a GGUF model file/ },
  { name: 'solve: an HTTP backend without --base-url', args: () => ['solve', 'What is 2+2?', '--backend', 'tgi'], message: /^mathcoder: --backend tgi needs the server's address \(--base-url\)$/ },
  { name: 'solve: a --base-url that is not a URL', args: () => ['solve', 'What is 2+2?', '--backend', 'tgi', '--base-url', 'localhost:8080'], message: /^mathcoder: --base-url "localhost:8080" is not an http\(s\) URL/ },
  { name: 'solve: --base-url with the embedded engine', args: () => ['solve', 'What is 2+2?', '--base-url', 'http://127.0.0.1:8000/v1'], message: /^mathcoder: --base-url is for the HTTP backends; pick one with --backend/ },
  { name: 'solve: an unknown --syntax', args: () => ['solve', 'What is 2+2?', '--syntax', 'llama'], message: /^mathcoder: option '--syntax <name>' argument 'llama' is invalid\. Allowed choices are mathcoder, tora, qwen, qwen-stateless, openmath, hermes, harmony, retool\.$/ },
  { name: 'solve: an unknown --isolation', args: () => ['solve', 'What is 2+2?', '--isolation', 'maybe'], message: /^mathcoder: option '--isolation <method>' argument 'maybe' is invalid\. Allowed choices are auto, bwrap, unshare, none\.$/ },
  { name: 'solve: a --python that does not exist', args: () => ['solve', 'What is 2+2?', '--python', at('no', 'python3')], message: /^mathcoder: --python .*no\/python3: no such file$/ },
  {
    name: 'solve: a model server that refuses the connection (not retried)',
    args: () => ['solve', 'What is 2+2?', '--backend', 'openai-completions', '--base-url', refusedUrl],
    message: /^mathcoder: cannot connect to http:\/\/127\.0\.0\.1:\d+ \(connection refused\): is the model server running there\?$/,
  },
  {
    name: 'solve: a model server whose host does not resolve (not retried)',
    args: () => ['solve', 'What is 2+2?', '--backend', 'openai-completions', '--base-url', 'http://no-such-host.invalid:8000/v1'],
    message: /^mathcoder: cannot resolve host no-such-host\.invalid \(http:\/\/no-such-host\.invalid:8000\): check --base-url, or this machine may be offline$/,
  },
  {
    name: 'solve: offline, the default model not downloaded',
    args: () => ['solve', 'What is 2+2?'],
    env: () => ({ MATHCODER_CACHE: fresh('cache'), HF_ENDPOINT: refusedUrl.replace(/\/v1$/, '') }),
    message:
      /^mathcoder: cannot download MathCoder-CL-7B\.Q4_K_M\.gguf from the Hugging Face repository RichardErkhov\/MathLLMs_-_MathCoder-CL-7B-gguf \(cannot reach 127\.0\.0\.1:\d+ \(connection refused\)\); it is not in the cache at .*fresh\/cache\/hub\/models--RichardErkhov--MathLLMs_-_MathCoder-CL-7B-gguf\/main\/MathCoder-CL-7B\.Q4_K_M\.gguf\. .*--model PATH\.gguf, or use a model server with --backend openai-completions --base-url URL$/,
  },
  // eval
  { name: 'eval: an unknown model name', args: () => ['eval', '--model', 'nope', '--datasets', 'svamp', '--data-dir', DATA, '--out', fresh('eval-model')], message: /^mathcoder: model "nope" is not a file that exists/ },
  { name: 'eval: --out is an existing file', args: () => ['eval', '--backend', 'replay', '--trajectories', SVAMP, '--data-dir', DATA, '--out', at('a-file.txt')], message: /^mathcoder: --out .*a-file\.txt is a file: give a folder/ },
  { name: 'eval: replayed trajectories that do not exist', args: () => ['eval', '--backend', 'replay', '--trajectories', at('missing.jsonl'), '--out', fresh('eval-missing')], message: /^mathcoder: cannot read --trajectories .*missing\.jsonl: no such file$/ },
  { name: 'eval: an empty trajectories file', args: () => ['eval', '--backend', 'replay', '--trajectories', at('named', 'svamp.jsonl'), '--out', fresh('eval-empty')], message: /^mathcoder: --trajectories .*svamp\.jsonl is empty: it holds no trajectories$/ },
  { name: 'eval: --backend replay without trajectories', args: () => ['eval', '--backend', 'replay', '--out', fresh('eval-replay')], message: /^mathcoder: --backend replay needs --trajectories FILE\.\.\./ },
  { name: 'eval: an unknown dataset', args: () => ['eval', '--datasets', 'gsm9k', '--out', fresh('eval-dataset')], message: /^mathcoder: unknown dataset "gsm9k" \(did you mean gsm8k\?\); known: gsm8k, math,/ },
  { name: 'eval: --limit 0', args: () => ['eval', '--limit', '0', '--out', fresh('eval-limit')], message: /^mathcoder: option '--limit <n>' argument '0' is invalid\. --limit must be a positive integer\.$/ },
  { name: 'eval: a --data-dir that does not exist', args: () => ['eval', '--data-dir', at('no-data'), '--out', fresh('eval-data')], message: /^mathcoder: --data-dir .*no-data: no such folder$/ },
  { name: 'eval: a --shard out of range', args: () => ['eval', '--shard', '4/4', '--out', fresh('eval-shard')], message: /^mathcoder: --shard must be i\/n with 0 <= i < n .*got "4\/4"$/ },
  { name: 'eval: a --base-urls-file that does not exist', args: () => ['eval', '--backend', 'openai-completions', '--base-urls-file', at('no-servers.txt'), '--out', fresh('eval-urls-missing')], message: /^mathcoder: cannot read --base-urls-file .*no-servers\.txt: no such file$/ },
  { name: 'eval: a --base-urls-file that lists no server', args: () => ['eval', '--backend', 'openai-completions', '--base-urls-file', at('servers-none.txt'), '--out', fresh('eval-urls-none')], message: /^mathcoder: --base-urls-file .*servers-none\.txt lists no server: write one URL a line$/ },
  { name: 'eval: a --base-urls-file line that is not a URL', args: () => ['eval', '--backend', 'openai-completions', '--base-urls-file', at('servers-bad.txt'), '--out', fresh('eval-urls-bad')], message: /^mathcoder: --base-urls-file .*servers-bad\.txt: "localhost:8001" is not an http\(s\) URL/ },
  { name: 'eval: a repeated --base-url that is not a URL', args: () => ['eval', '--backend', 'openai-completions', '--base-url', refusedUrl, '--base-url', 'localhost:8001', '--out', fresh('eval-url-bad')], message: /^mathcoder: --base-url "localhost:8001" is not an http\(s\) URL/ },
  { name: 'eval: --base-url with --backend replay', args: () => ['eval', '--backend', 'replay', '--trajectories', SVAMP, '--base-url', refusedUrl, '--out', fresh('eval-replay-url')], message: /^mathcoder: --backend replay starts its own stand-in server: leave out --base-url and --base-urls-file$/ },
  {
    name: 'eval: none of several model servers can be reached',
    args: () => ['eval', '--backend', 'openai-completions', '--base-urls-file', at('servers-down.txt'), '--datasets', 'svamp', '--data-dir', DATA, '--out', fresh('eval-down')],
    message: /^mathcoder: none of the 2 model servers can be reached: cannot connect to http:\/\/127\.0\.0\.1:\d+ \(connection refused\).*; cannot connect to http:\/\/127\.0\.0\.1:\d+ \(connection refused\)/,
  },
  {
    name: 'eval: a run folder another eval is writing',
    args: () => ['eval', '--backend', 'replay', '--trajectories', SVAMP, '--data-dir', DATA, '--out', at('locked')],
    message: /^mathcoder: .*locked is in use by another mathcoder \(pid \d+, mathcoder eval \(the test holds it\), since .*\): wait for it to finish, or choose another --out$/,
  },
  { name: 'eval: no --out', args: () => ['eval', '--datasets', 'svamp'], message: /^mathcoder: required option '--out <dir>' not specified$/ },
  // report
  { name: 'report: a folder that does not exist', args: () => ['report', at('no-run')], message: /^mathcoder: .*no-run is not a run folder: no such folder/ },
  { name: 'report: a run with no rows', args: () => ['report', at('run-without-rows')], message: /^mathcoder: .*run-without-rows has no results yet \(its results\.jsonl holds no rows\)/ },
  { name: 'report: an unknown --format', args: () => ['report', at('run-without-rows'), '--format', 'xml'], message: /^mathcoder: option '--format <format>' argument 'xml' is invalid\. Allowed choices are md, json, csv\.$/ },
  // view, serve, replay-server
  { name: 'view: a port in use', args: () => ['view', '--port', String(busyPort)], message: /^mathcoder: port \d+ on 127\.0\.0\.1 is in use: pick another with --port \(0 takes a free one\)$/ },
  { name: 'serve: another host without a token', args: () => ['serve', '--host', '0.0.0.0'], env: () => ({ MATHCODER_TOKEN: '' }), message: /^mathcoder: binding to 0\.0\.0\.0 lets other machines run code in the sandbox: give a bearer token with --token/ },
  { name: 'serve: a --token-file that does not exist', args: () => ['serve', '--token-file', at('no-token')], message: /^mathcoder: cannot read --token-file .*no-token: no such file$/ },
  { name: 'serve: an empty --token-file', args: () => ['serve', '--token-file', at('empty-token')], message: /^mathcoder: --token-file .*empty-token is empty: put the token in it$/ },
  { name: 'serve: an --allowed-host that is not a host name', args: () => ['serve', '--allowed-host', 'my box'], message: /^mathcoder: --allowed-host "my box" is not a host name/ },
  { name: 'serve: a port out of range', args: () => ['serve', '--port', '70000'], message: /^mathcoder: option '--port <n>' argument '70000' is invalid\. --port must be a port number from 0 to 65535/ },
  { name: 'view: a run folder that does not exist', args: () => ['view', at('no-runs')], message: /^mathcoder: run folder .*no-runs: no such folder$/ },
  { name: 'replay-server: --port abc', args: () => ['replay-server', SVAMP, '--protocol', 'tgi', '--port', 'abc'], message: /^mathcoder: option '--port <port>' argument 'abc' is invalid/ },
  { name: 'replay-server: --port -5', args: () => ['replay-server', SVAMP, '--protocol', 'tgi', '--port', '-5'], message: /^mathcoder: option '--port <port>' argument '-5' is invalid/ },
  { name: 'replay-server: a file that does not exist', args: () => ['replay-server', at('missing.jsonl'), '--protocol', 'tgi'], message: /^mathcoder: cannot read .*missing\.jsonl: no such file$/ },
  // grade, replay, datasets
  { name: 'grade: a folder', args: () => ['grade', at('a-folder')], message: /^mathcoder: .*a-folder is a folder: give a file$/ },
  { name: 'grade: --verdicts is a folder', args: () => ['grade', SVAMP, '--verdicts', at('a-folder')], message: /^mathcoder: --verdicts .*a-folder is a folder: give a file name$/ },
  { name: 'grade: --compare-verdicts that does not exist', args: () => ['grade', SVAMP, '--compare-verdicts', at('no-verdicts.jsonl')], message: /^mathcoder: cannot read --compare-verdicts .*no-verdicts\.jsonl: no such file$/ },
  { name: 'grade: --verdicts over its input', args: () => ['grade', SVAMP, '--verdicts', SVAMP], message: /^mathcoder: .*svamp\.jsonl and --verdicts name the same file/ },
  { name: 'grade: an unknown --grader', args: () => ['grade', SVAMP, '--grader', 'lenient'], message: /^mathcoder: option '--grader <name>' argument 'lenient' is invalid\. Allowed choices are strict, mathcoder-compat, both\.$/ },
  { name: 'replay: a file that does not exist', args: () => ['replay', at('missing.jsonl')], message: /^mathcoder: cannot read .*missing\.jsonl: no such file$/ },
  { name: 'datasets download: an unknown set', args: () => ['datasets', 'download', 'nonsense'], message: /^mathcoder: unknown dataset "nonsense"; known:/ },
  // data
  { name: 'data clean: a file that does not exist', args: () => ['data', 'clean', at('missing.jsonl'), '--out', fresh('k.jsonl'), '--removed', fresh('r.jsonl')], message: /^mathcoder: cannot read .*missing\.jsonl: no such file$/ },
  { name: 'data clean: a folder', args: () => ['data', 'clean', at('a-folder'), '--out', fresh('k.jsonl'), '--removed', fresh('r.jsonl')], message: /^mathcoder: .*a-folder is a folder: give a file$/ },
  { name: 'data clean: an empty file', args: () => ['data', 'clean', at('empty.jsonl'), '--out', fresh('k.jsonl'), '--removed', fresh('r.jsonl')], message: /^mathcoder: .*empty\.jsonl is empty: it holds no rows to clean$/ },
  { name: 'data export: a folder', args: () => ['data', 'export', at('a-folder'), '--out', fresh('train.jsonl')], message: /^mathcoder: .*a-folder is a folder: give a file$/ },
  { name: 'data export: a file of blank lines', args: () => ['data', 'export', at('blank.jsonl'), '--out', fresh('train.jsonl')], message: /^mathcoder: .*blank\.jsonl is empty: it holds no training examples$/ },
  { name: 'data export: --out is a folder', args: () => ['data', 'export', at('seeds.jsonl'), '--out', at('a-folder')], message: /^mathcoder: --out .*a-folder is a folder: give a file name$/ },
  {
    name: 'data d0: OpenAI without OPENAI_API_KEY',
    args: () => ['data', 'd0', '--seeds', at('seeds.jsonl'), '--out', fresh('d0-key'), '--teacher', 'gpt-4o'],
    env: () => ({ OPENAI_API_KEY: '', OPENAI_BASE_URL: '' }),
    message: /^mathcoder: the teacher gpt-4o is served by https:\/\/api\.openai\.com\/v1, which needs an API key: set OPENAI_API_KEY or pass --teacher-api-key \(or point --teacher-base-url at another server\)$/,
  },
  {
    name: 'data d0: a teacher server that refuses the connection',
    args: () => ['data', 'd0', '--seeds', at('seeds.jsonl'), '--out', fresh('d0-down'), '--teacher', 'gpt-4o', '--teacher-base-url', refusedUrl],
    message: /^mathcoder: the teacher: cannot connect to http:\/\/127\.0\.0\.1:\d+ \(connection refused\): is the model server running there\?$/,
  },
  { name: 'data d0: a --teacher-base-url that is not a URL', args: () => ['data', 'd0', '--seeds', at('seeds.jsonl'), '--out', fresh('d0-url'), '--teacher', 'gpt-4o', '--teacher-base-url', 'api.example.com'], message: /^mathcoder: --teacher-base-url "api\.example\.com" is not a URL/ },
  { name: 'data d1: no student', args: () => ['data', 'd1', '--seeds', at('seeds.jsonl'), '--out', fresh('d1'), '--teacher', 'gpt-4o', '--teacher-base-url', refusedUrl], message: /^mathcoder: data d1 needs a student: --student model\.gguf/ },
  { name: 'data seed: --out is a file', args: () => ['data', 'seed', '--out', at('a-file.txt'), '--data-dir', DATA], message: /^mathcoder: --out .*a-file\.txt is a file: give a folder/ },
  // train
  { name: 'train prepare: a folder', args: () => ['train', 'prepare', at('a-folder'), '--tokenizer', 'llama2', '--out', fresh('prepared')], message: /^mathcoder: .*a-folder is a folder: give a file$/ },
  { name: 'train prepare: an empty file', args: () => ['train', 'prepare', at('empty.jsonl'), '--tokenizer', 'llama2', '--out', fresh('prepared')], message: /^mathcoder: .*empty\.jsonl is empty: it holds no training rows$/ },
  { name: 'train export: an empty file', args: () => ['train', 'export', at('empty.jsonl'), '--trainer', 'trl', '--out', fresh('exported')], message: /^mathcoder: .*empty\.jsonl is empty: it holds no training rows$/ },
  { name: 'train export: an unknown --trainer', args: () => ['train', 'export', at('seeds.jsonl'), '--trainer', 'deepspeed', '--out', fresh('exported')], message: /^mathcoder: option '--trainer <name>' argument 'deepspeed' is invalid\. Allowed choices are trl, axolotl, llama-factory\.$/ },
  { name: 'train launch: a folder that was not prepared', args: () => ['train', 'launch', at('a-folder'), '--model', 'tiny-llama', '--out', fresh('trained')], message: /^mathcoder: .*a-folder has no prepare\.json: run `mathcoder train prepare \.\.\. --out .*a-folder` first$/ },
  { name: 'train launch: an unknown --engine', args: () => ['train', 'launch', at('a-folder'), '--model', 'm', '--engine', 'horovod'], message: /^mathcoder: option '--engine <engine>' argument 'horovod' is invalid\. Allowed choices are deepspeed, fsdp\.$/ },
  // commander's own errors, on one line too
  { name: 'an unknown command', args: () => ['frobnicate'], message: /^mathcoder: unknown command 'frobnicate': the commands are solve, eval, report, view, / },
  { name: 'a group without its command', args: () => ['data'], message: /^mathcoder: data needs a command: seed, d0, d1, clean, export \(see mathcoder data --help\)$/ },
  { name: 'an unknown command of a group', args: () => ['train', 'prep'], message: /^mathcoder: unknown command 'train prep': the train commands are prepare, export, launch$/ },
  { name: 'an unknown option', args: () => ['eval', '--out', fresh('eval-option'), '--colour', 'red'], message: /^mathcoder: unknown option '--colour'$/ },
];

describe.concurrent('bad input fails at once with one line, before anything heavy starts', () => {
  it.each(CASES.map((entry) => [entry.name, entry] as const))('%s', async (_name, entry) => {
    const log = at('logs', `${CASES.indexOf(entry)}.log`);
    const result = await runCli(entry.args(), { nodeArgs: ['--import', MODULE_LOG_HOOK], env: { ...entry.env?.(), MATHCODER_MODULE_LOG: log } });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.split('\n').filter((line) => line !== '');
    expect(lines, result.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(entry.message);
    expect(lines[0]).not.toMatch(/internal error|\bat .*\.js:\d+|Error:/);
    const loaded = readFileSync(log, 'utf8').split('\n');
    // Even the cases that ask a model server (refused, unknown host) do so before the sandbox or anything else starts.
    const heavy = loaded.filter((url) => HEAVY_MODULES.some((module) => url.includes(module)));
    expect(heavy, 'modules of heavy work were loaded').toEqual([]);
  });
});

describe('after the bad inputs', () => {
  it('no output folder, cache folder or temporary file is left behind', () => {
    expect(readdirSync(at('logs'))).toHaveLength(CASES.length);
    expect(readdirSync(at('fresh'))).toEqual([]);
    expect(readdirSync(work).filter((name) => name.includes('.tmp-'))).toEqual([]);
    expect(existsSync(at('a-folder')) && readdirSync(at('a-folder'))).toEqual([]);
    // The lock another eval holds is left as it was.
    expect(readdirSync(at('locked'))).toEqual(['.lock']);
  });
});
