import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getSyntax, parseRecordedTranscript, type RecordedTranscript } from '../../src/format/index.js';
import { OpenAICompletionsBackend } from '../../src/llm/http/openai-completions-backend.js';
import { TgiBackend } from '../../src/llm/http/tgi-backend.js';
import { startReplayServer, type ReplayProtocolName } from '../../src/llm/replay-server/replay-server.js';
import type { CompletionBackend } from '../../src/llm/types.js';
import { PythonSandbox } from '../../src/sandbox/python-sandbox.js';
import { solveProblem, type SolveResult, type StopReason } from '../../src/solve/index.js';
import { readJsonlSync } from '../../src/util/jsonl.js';

/**
 * Every recorded transcript in test/fixtures/dialects is served by the stand-in model server and solved again:
 * the prompt, the model's text, every runner frame, notice and budget, and every output this project's sandbox
 * prints (cut and neutralised as the dialect says) must come out byte for byte.
 */
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'dialects');
const FILES = readdirSync(FIXTURES)
  .filter((name) => name.endsWith('.jsonl'))
  .map((name) => join(FIXTURES, name));

function recordings(file: string): RecordedTranscript[] {
  return readJsonlSync(file).map((line) => parseRecordedTranscript(line.value, `${file}:${line.lineNumber}`));
}

/** How a recording ends: the model's end of message, or the runner stopping at its budget. */
function expectedStop(recording: RecordedTranscript): StopReason {
  const syntax = getSyntax(recording.dialect);
  return syntax.parseGeneration(recording.completion).endOfMessage ? 'finished' : 'max_executions';
}

const HTTP = { timeoutMs: 20_000, retries: 0, retryDelayMs: 10 };
let sandbox: PythonSandbox;

beforeAll(async () => {
  sandbox = await PythonSandbox.start({ pathVariable: process.env.PATH, poolSize: 2 });
});

afterAll(async () => {
  await sandbox?.close();
});

async function connect(protocol: ReplayProtocolName, url: string): Promise<CompletionBackend> {
  return protocol === 'tgi'
    ? TgiBackend.connect({ ...HTTP, baseUrl: url, bos: true, requiredTokens: [] })
    : OpenAICompletionsBackend.connect({ ...HTTP, baseUrl: url, bos: false, stopMode: 'stop-strings', requiredTokens: [] });
}

async function solveAll(protocol: ReplayProtocolName, file: string): Promise<Array<{ recording: RecordedTranscript; result: SolveResult }>> {
  const server = await startReplayServer({ files: [file], protocol });
  try {
    const backend = await connect(protocol, server.url);
    const solved = [];
    for (const recording of recordings(file)) {
      const result = await solveProblem(recording.question, backend, sandbox, { syntax: recording.dialect, limits: { maxRounds: 32, loopRepeats: null } });
      solved.push({ recording, result });
    }
    const generations = server.requests.filter((request) => request.path === '/v1/completions' || request.path === '/generate');
    expect(generations.length).toBeGreaterThan(0);
    expect(generations.filter((request) => request.status !== 200).map((request) => request.status)).toEqual([]);
    return solved;
  } finally {
    await server.close();
  }
}

describe('solve rebuilds the recorded transcript of every dialect through the replay server', () => {
  it('has a fixture for every dialect but MathCoder and ToRA (checked on the published trajectories)', () => {
    const dialects = new Set(FILES.flatMap((file) => recordings(file).map((recording) => recording.dialect)));
    expect([...dialects].sort()).toEqual(['harmony', 'hermes', 'openmath', 'qwen', 'qwen-stateless', 'retool']);
  });

  for (const file of FILES) {
    it(`${file.split('/').pop()} over OpenAI completions`, { timeout: 120_000 }, async () => {
      for (const { recording, result } of await solveAll('openai-completions', file)) {
        expect(result.error).toBeNull();
        expect(result.transcript).toBe(recording.prompt + recording.completion);
        expect(result.stopReason).toBe(expectedStop(recording));
        expect(result.syntax).toBe(recording.dialect);
        // The blocks are the recording's, without the runner's frames and the end-of-message token; every
        // execution block carries the sandbox's record.
        const syntax = getSyntax(recording.dialect);
        const expected = syntax.assistantBlocks(recording.completion).map((block) => ({ type: block.type, content: block.content }));
        expect(result.blocks.map((block) => ({ type: block.type, content: block.content }))).toEqual(expected);
        expect(result.blocks.some((block) => block.content.includes(syntax.endOfMessage.trim()))).toBe(false);
        const frames = syntax.segments(recording.completion).filter((segment) => segment.kind === 'runner');
        expect(result.blocks.filter((block) => block.type === 'execution').length).toBe(frames.length);
        if (result.stopReason === 'finished') expect(result.answer).toBe(String(recording.answer));
      }
    });
  }

  it('the same through TGI (OpenMath: stops kept in the text, notices, the budget)', { timeout: 120_000 }, async () => {
    const file = FILES.find((name) => name.endsWith('gsm8k.openmath.jsonl'))!;
    for (const { recording, result } of await solveAll('tgi', file)) {
      expect(result.transcript).toBe(recording.prompt + recording.completion);
      expect(result.stopReason).toBe(expectedStop(recording));
    }
  });
});
