import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReplayServer, type ReplayServer } from '../../src/llm/replay-server/replay-server.js';
import { closedPort } from '../helpers/faulty-server.js';
import { publishedCases } from '../helpers/published-rows.js';
import { runCli } from '../helpers/cli.js';
import { sharedPath } from '../helpers/shared.js';
import { SIX_TIMES_SEVEN, scriptedTranscript } from '../helpers/tiny-gguf-scripts.js';
import { temporaryModelFolder, writeTinyGguf } from '../helpers/tiny-gguf.js';

const FILE = sharedPath('trajectories', 'mathcoder-cl-7b', 'svamp.correct.jsonl');
const [problem] = publishedCases(FILE, 1);
const folder = temporaryModelFolder();
const tinyModel = join(folder.folder, 'six-times-seven.gguf');
const plainModel = join(folder.folder, 'plain-llama.gguf');
let replay: ReplayServer;

beforeAll(async () => {
  replay = await startReplayServer({ files: [FILE], protocol: 'openai-completions' });
  writeTinyGguf({ path: tinyModel, transcripts: [scriptedTranscript(SIX_TIMES_SEVEN)] });
  writeTinyGguf({ path: plainModel, specialTokens: false, embeddingLength: 32 });
});

afterAll(async () => {
  await replay?.close();
  folder.remove();
});

describe('mathcoder solve', () => {
  it('writes the trajectory as JSON with --json (question from standard input)', async () => {
    const result = await runCli(['solve', '--backend', 'openai-completions', '--base-url', replay.url, '--json'], { input: `${problem!.trajectory.question}\n` });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const record = JSON.parse(result.stdout) as { blocks: Array<{ type: string; content: string }>; answer: string; stop_reason: string };
    expect(record).toMatchObject({ answer: '51', stop_reason: 'finished' });
    expect(record.blocks.map((block) => block.type)).toEqual(['text', 'code', 'execution', 'text']);
  });

  it('streams text, code and output distinctly, then the answer (question from --file)', async () => {
    const questionFile = join(folder.folder, 'question.txt');
    writeFileSync(questionFile, problem!.trajectory.question);
    const result = await runCli(['solve', '--file', questionFile, '--backend', 'openai-completions', '--base-url', replay.url]);
    expect(result.code).toBe(0);
    const code = problem!.trajectory.blocks[1]!.content;
    expect(result.stdout).toContain(`${problem!.trajectory.blocks[0]!.content}\n\n── python ──\n${code}\n\n── output ──\n51\n\n`);
    expect(result.stdout.trimEnd().endsWith('answer: 51')).toBe(true);
  });

  it('solves with the embedded engine on a local GGUF', async () => {
    const result = await runCli(['solve', SIX_TIMES_SEVEN.question, '--model', tinyModel, '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ answer: '42', stop_reason: 'finished', backend: 'embedded', model: tinyModel });
  });

  it('answers bad input with one line and exit code 1', async () => {
    const port = await closedPort();
    const cases: Array<[string[], RegExp]> = [
      [['solve', '   '], /^mathcoder: the question is empty\n$/],
      [['solve', 'What is 2+2?', '--model', join(folder.folder, 'missing.gguf')], /^mathcoder: model ".*missing\.gguf" is not a file that exists, an hf:OWNER\/REPO\/FILE\.gguf reference, or a known name/],
      [['solve', 'What is 2+2?', '--model', plainModel], /^mathcoder: .*plain-llama\.gguf is not a MathCoder model: "<\|system\|>" is \d+ tokens in its vocabulary/],
      [['solve', 'What is 2+2?', '--backend', 'tgi', '--base-url', `http://127.0.0.1:${port}`, '--retries', '0'], /^mathcoder: cannot connect to http:\/\/127\.0\.0\.1:\d+ \(connection refused\): is the model server running there\?\n$/],
      [['solve', 'What is 2+2?', '--backend', 'openai-completions'], /^mathcoder: --backend openai-completions needs the server's address \(--base-url\)\n$/],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(args);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
