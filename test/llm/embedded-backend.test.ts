import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MathcoderError } from '../../src/errors.js';
import { MATHCODER_SYNTAX, SPECIAL_TOKENS, promptConversation } from '../../src/format/index.js';
import { EmbeddedBackend } from '../../src/llm/embedded/embedded-backend.js';
import { GREEDY } from '../../src/llm/types.js';
import { PythonSandbox } from '../../src/sandbox/python-sandbox.js';
import { solveProblem } from '../../src/solve/index.js';
import { withoutKvReuse } from '../helpers/fresh-session-backend.js';
import { SIX_TIMES_SEVEN, scriptedText, scriptedTranscript } from '../helpers/tiny-gguf-scripts.js';
import { temporaryModelFolder, writeTinyGguf } from '../helpers/tiny-gguf.js';

const folder = temporaryModelFolder();
const modelPath = join(folder.folder, 'six-times-seven.gguf');
let backend: EmbeddedBackend;
let sandbox: PythonSandbox;

beforeAll(async () => {
  writeTinyGguf({ path: modelPath, transcripts: [scriptedTranscript(SIX_TIMES_SEVEN)] });
  backend = await EmbeddedBackend.load({ modelPath, bos: true, requiredTokens: SPECIAL_TOKENS, contextSize: 1024, sequences: 2 });
  sandbox = await PythonSandbox.start({ pathVariable: process.env.PATH, poolSize: 2 });
});

afterAll(async () => {
  await backend?.close();
  await sandbox?.close();
  folder.remove();
});

const prompt = MATHCODER_SYNTAX.render(promptConversation(SIX_TIMES_SEVEN.question));
const stop = MATHCODER_SYNTAX.stopStrings;

describe('the embedded llama.cpp backend on the tiny GGUF', () => {
  it('checks the special tokens at load and reports their ids', () => {
    expect(backend.info.specialTokenIds).toEqual(Object.fromEntries(SPECIAL_TOKENS.map((token, index) => [token, 32000 + index])));
    expect(backend.info).toMatchObject({ kind: 'embedded', bos: true, details: { threads: 1, gpu: 'none', sequences: 2 } });
  });

  it('stops on <|endofblock|>, keeping the special tokens it wrote', async () => {
    const session = await backend.openSession();
    try {
      const generation = await session.generate({ prompt, stop, maxTokens: 64, sampling: GREEDY });
      expect(generation).toMatchObject({ text: '<|text|>Let me compute it:', finishReason: 'stop', stop: '<|endofblock|>' });
      expect(generation.tokenIds?.[0]).toBe(32004);
      expect(generation.tokenIds?.at(-1)).toBe(32007);
      expect(generation.promptTokens).toBe(await session.countTokens(prompt));
      // A fresh sequence evaluates the prompt and each generated token but the last (sampled, not yet evaluated).
      expect(generation.evaluatedTokens).toBe(generation.promptTokens! + generation.generatedTokens - 1);

      const next = await session.generate({ prompt: `${prompt}${generation.text}<|endofblock|>`, stop, maxTokens: 64, sampling: GREEDY });
      expect(next.text).toBe('<|code|>print(6 * 7)');
      // Only the stop token that was sampled but not evaluated, then the new tokens.
      expect(next.evaluatedTokens).toBe(1 + next.generatedTokens - 1);
    } finally {
      await session.close();
    }
  });

  it('ends at the token limit, streams what it writes, and gives n completions', async () => {
    const session = await backend.openSession();
    try {
      const streamed: string[] = [];
      const cut = await session.generate({ prompt, stop, maxTokens: 3, sampling: GREEDY, onText: (delta) => streamed.push(delta) });
      expect(cut).toMatchObject({ finishReason: 'length', stop: null, generatedTokens: 3 });
      expect(streamed.join('')).toBe(cut.text);
      const many = await session.generateMany({ prompt, stop, maxTokens: 64, sampling: { temperature: 0.8, topP: 0.95, seed: 7 }, n: 2 });
      expect(many.map((generation) => generation.text)).toEqual(['<|text|>Let me compute it:', '<|text|>Let me compute it:']);
    } finally {
      await session.close();
    }
  });

  it('solves the scripted problem end to end: the model writes the code, the sandbox runs it', async () => {
    const result = await solveProblem(SIX_TIMES_SEVEN.question, backend, sandbox);
    expect(result.blocks.map(({ type, content }) => ({ type, content }))).toEqual(SIX_TIMES_SEVEN.blocks);
    expect(result.blocks.every((block) => block.closed)).toBe(true);
    expect(result.blocks[2]?.execution).toMatchObject({ status: 'ok', executionCount: 1 });
    expect(result).toMatchObject({ answer: '42', stopReason: 'finished', rounds: 4, transcript: scriptedText(SIX_TIMES_SEVEN) });
  });

  it('evaluates each token of a 3-round problem once with KV reuse, and the prefix again each round without', async () => {
    const withReuse = await solveProblem(SIX_TIMES_SEVEN.question, backend, sandbox);
    const session = await backend.openSession();
    const trajectoryTokens = await session.countTokens(withReuse.transcript!);
    await session.close();
    // Every token of the trajectory but the last (<|endofmessage|>, sampled and never evaluated).
    expect(withReuse.tokens.evaluated).toBe(trajectoryTokens - 1);
    expect(withReuse.tokens.total).toBe(trajectoryTokens);

    const reprefill = await solveProblem(SIX_TIMES_SEVEN.question, withoutKvReuse(backend), sandbox);
    expect(reprefill.transcript).toBe(withReuse.transcript);
    expect(reprefill.tokens.evaluated).toBeGreaterThan(2 * withReuse.tokens.evaluated!);
  });

  it('gives each concurrent problem a sequence of its own, and makes extra problems wait for one', async () => {
    const results = await Promise.all([1, 2, 3].map(() => solveProblem(SIX_TIMES_SEVEN.question, backend, sandbox)));
    expect(results.map((result) => result.answer)).toEqual(['42', '42', '42']);
    expect(new Set(results.map((result) => result.transcript)).size).toBe(1);
  });

  it('stops at the round limit, at the deadline, and before the context overflows', async () => {
    const limited = await solveProblem(SIX_TIMES_SEVEN.question, backend, sandbox, { limits: { maxRounds: 2 } });
    expect(limited).toMatchObject({ stopReason: 'max_rounds', rounds: 2 });
    expect(limited.blocks.map((block) => block.type)).toEqual(['text', 'code', 'execution']);

    const late = await solveProblem(SIX_TIMES_SEVEN.question, backend, sandbox, { limits: { deadlineMs: 1 } });
    expect(late.stopReason).toBe('deadline');

    const longQuestion = `${'How many apples are there in all of these baskets? '.repeat(120)}`.trim();
    const overflow = await solveProblem(longQuestion, backend, sandbox);
    expect(overflow).toMatchObject({ stopReason: 'context_overflow', rounds: 0, blocks: [] });
    expect(overflow.tokens.total).toBeGreaterThan(backend.info.contextSize);
  });
});

describe('loading models that cannot work', () => {
  it('refuses a model path that does not exist, a file that is not a GGUF, and a GGUF without the special tokens', async () => {
    await expect(EmbeddedBackend.load({ modelPath: join(folder.folder, 'missing.gguf'), bos: true, requiredTokens: SPECIAL_TOKENS })).rejects.toThrow(
      /model file .*missing\.gguf does not exist/,
    );
    const notGguf = join(folder.folder, 'notes.gguf');
    writeFileSync(notGguf, 'this is not a model');
    const error = await EmbeddedBackend.load({ modelPath: notGguf, bos: true, requiredTokens: SPECIAL_TOKENS }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MathcoderError);
    expect((error as MathcoderError).message).toMatch(/^cannot load .*notes\.gguf as a GGUF model: /);
    expect((error as MathcoderError).message).not.toContain('\n');

    const plainLlama = join(folder.folder, 'plain-llama.gguf');
    writeTinyGguf({ path: plainLlama, specialTokens: false, embeddingLength: 32 });
    await expect(EmbeddedBackend.load({ modelPath: plainLlama, bos: true, requiredTokens: SPECIAL_TOKENS })).rejects.toThrow(
      /is not a MathCoder model: "<\|system\|>" is \d+ tokens in its vocabulary, not one special token/,
    );
    // The same file is fine for a Markdown-syntax model, which needs no special tokens.
    const markdown = await EmbeddedBackend.load({ modelPath: plainLlama, bos: true, requiredTokens: [] });
    expect(markdown.info.specialTokenIds).toBeNull();
    await markdown.close();
  });
});
