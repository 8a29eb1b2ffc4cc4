import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MATHCODER_SYNTAX, promptConversation } from '../../src/format/index.js';
import { startReplayServer, type ReplayServer } from '../../src/llm/replay-server/replay-server.js';
import { publishedCases } from '../helpers/published-rows.js';
import { startCli } from '../helpers/cli.js';
import { sharedPath } from '../helpers/shared.js';

const FILE = sharedPath('trajectories', 'mathcoder-cl-7b', 'svamp.correct.jsonl');
const [first] = publishedCases(FILE, 1);
const prompt = MATHCODER_SYNTAX.render(promptConversation(first!.trajectory.question));
const firstBlock = MATHCODER_SYNTAX.renderBlocks([first!.trajectory.blocks[0]!]);

let completions: ReplayServer;
let tgi: ReplayServer;

beforeAll(async () => {
  completions = await startReplayServer({ files: [FILE], protocol: 'openai-completions' });
  tgi = await startReplayServer({ files: [FILE], protocol: 'tgi', contextSize: 2048 });
});

afterAll(async () => {
  await completions?.close();
  await tgi?.close();
});

async function post(url: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

type Choice = { text: string; finish_reason: string; stop_reason: string | number | null };
const choice = (json: Record<string, unknown>) => (json.choices as Choice[])[0]!;

describe('the stand-in server speaks vLLM\'s completions protocol, defaults included (SPEC 4.5)', () => {
  it('with the defaults, skips special tokens, so a special-token stop string never fires, and stops after 16 tokens', async () => {
    const { json } = await post(`${completions.url}/completions`, { prompt, stop: ['<|endofblock|>'] });
    expect(choice(json).finish_reason).toBe('length');
    expect(choice(json).text).not.toContain('<|');
    expect((json.usage as { completion_tokens: number }).completion_tokens).toBe(16);
  });

  it('keeps special tokens with skip_special_tokens false, spaced out unless spaces_between_special_tokens is false', async () => {
    const spaced = await post(`${completions.url}/completions`, { prompt, max_tokens: 4096, skip_special_tokens: false, stop: ['<|endofblock|>'], include_stop_str_in_output: true });
    expect(choice(spaced.json).text.startsWith('<|text|> ')).toBe(true);
    expect(choice(spaced.json).text.endsWith(' <|endofblock|>')).toBe(true);
    const exact = await post(`${completions.url}/completions`, {
      prompt,
      max_tokens: 4096,
      skip_special_tokens: false,
      spaces_between_special_tokens: false,
      stop: ['<|endofblock|>'],
    });
    expect(choice(exact.json)).toMatchObject({ text: firstBlock.replace('<|endofblock|>', ''), finish_reason: 'stop', stop_reason: '<|endofblock|>' });
  });

  it('reports the stop token id in stop_reason and leaves the special token out of the text', async () => {
    const { json } = await post(`${completions.url}/completions`, { prompt, max_tokens: 4096, skip_special_tokens: false, spaces_between_special_tokens: false, stop_token_ids: [32007] });
    expect(choice(json)).toMatchObject({ text: firstBlock.replace('<|endofblock|>', ''), finish_reason: 'stop', stop_reason: 32007 });
  });

  it('counts BOS as add_special_tokens says, lists the model with its window, and explains what it cannot replay', async () => {
    const withBos = await post(`${completions.url.replace(/\/v1$/, '')}/tokenize`, { prompt: 'Hello world' });
    const withoutBos = await post(`${completions.url.replace(/\/v1$/, '')}/tokenize`, { prompt: 'Hello world', add_special_tokens: false });
    expect(withBos.json.count).toBe((withoutBos.json.count as number) + 1);
    const models = (await (await fetch(`${completions.url}/models`)).json()) as { data: Array<{ id: string; max_model_len: number }> };
    expect(models.data[0]).toMatchObject({ id: 'mathcoder-replay', max_model_len: 16_384 });
    const unknown = await post(`${completions.url}/completions`, { prompt: MATHCODER_SYNTAX.render(promptConversation('What is the airspeed of a swallow?')), max_tokens: 5 });
    expect(unknown.status).toBe(404);
    expect(unknown.json.message).toMatch(/no published trajectory has this question/);
    const departed = await post(`${completions.url}/completions`, { prompt: `${prompt}<|text|>Something else<|endofblock|>`, max_tokens: 5 });
    expect(departed.status).toBe(400);
    expect(departed.json.message).toMatch(/departs from the published trajectory .*svamp\.correct\.jsonl:1 at character 8/);
  });
});

describe('the stand-in server speaks TGI', () => {
  it('strips special tokens from generated_text and flags them in details, as TGI does', async () => {
    const { json } = await post(`${tgi.url}/generate`, { inputs: prompt, parameters: { max_new_tokens: 512, stop: ['<|endofblock|>'], details: true } });
    const details = json.details as { finish_reason: string; tokens: Array<{ text: string; special: boolean }> };
    expect(json.generated_text).toBe(first!.trajectory.blocks[0]!.content);
    expect(details.finish_reason).toBe('stop_sequence');
    expect(details.tokens[0]).toMatchObject({ text: '<|text|>', special: true });
    expect(details.tokens.at(-1)).toMatchObject({ text: '<|endofblock|>', special: true });
  });

  it('validates lengths as TGI does and refuses `truncate`, which would silently cut the question off', async () => {
    const tooLong = await post(`${tgi.url}/generate`, { inputs: prompt, parameters: { max_new_tokens: 4000 } });
    expect(tooLong.status).toBe(422);
    expect(tooLong.json.error).toMatch(/`inputs` tokens \+ `max_new_tokens` must be <= 2048/);
    const truncated = await post(`${tgi.url}/generate`, { inputs: prompt, parameters: { max_new_tokens: 20, truncate: 1536 } });
    expect(truncated.status).toBe(422);
    const info = (await (await fetch(`${tgi.url}/info`)).json()) as { max_total_tokens: number };
    expect(info.max_total_tokens).toBe(2048);
  });
});

describe('mathcoder replay-server', () => {
  it('prints its URL on its first line and serves until stopped', async () => {
    const { child, firstLine } = await startCli(['replay-server', FILE, '--protocol', 'openai-chat']);
    try {
      expect(firstLine).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      const models = (await (await fetch(`${firstLine}/models`)).json()) as { data: Array<{ id: string }> };
      expect(models.data[0]!.id).toBe('mathcoder-replay');
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });
});
