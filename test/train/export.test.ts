import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from '@huggingface/jinja';
import { describe, expect, it } from 'vitest';
import { MATHCODER_SYNTAX, toTrainRow } from '../../src/format/index.js';
import { loadTokenizer } from '../../src/tokenizer/index.js';
import { AXOLOTL_CHAT_TEMPLATE, IGNORE_INDEX, TRL_CHAT_TEMPLATE, exportTrainerData, tokenizeSample } from '../../src/train/index.js';
import { readJsonlSync } from '../../src/util/jsonl.js';
import { sharedTrajectories } from '../tokenizer/trajectory-texts.js';

const tokenizer = loadTokenizer('llama2');
const folder = mkdtempSync(join(tmpdir(), 'mathcoder-export-'));
// Finished trajectories as train_80k rows, and one that stops after an execution (which LLaMA-Factory cannot hold).
const published = sharedTrajectories(6).filter(({ conversation }) => !conversation.open);
const unfinished = sharedTrajectories(100).find(({ conversation }) => conversation.open && conversation.messages[2]!.content.at(-1)!.type === 'execution')!;
const input = join(folder, 'rows.jsonl');
writeFileSync(input, [...published, unfinished].map(({ where, conversation }) => JSON.stringify(toTrainRow(conversation, { id: where }))).join('\n') + '\n');

/** The trained text of a sample: decoded ids whose label is not masked. */
function trainedText(index: number): string {
  const sample = tokenizeSample({ ...published[index]!.conversation, open: false }, tokenizer, { lossPolicy: 'paper', bos: true }, 'test');
  return tokenizer.decode(sample.labels.filter((label) => label !== IGNORE_INDEX));
}

/**
 * Renders a chat template with a real Jinja engine, standing in for transformers' {% generation %} extension:
 * the markers become control characters, so the trained spans can be read back from the text.
 */
function renderWithGenerationMarks(template: string, messages: unknown): { text: string; trained: string } {
  const marked = template.replace(/\{%-? generation -?%\}/g, "{{- '\\u0001' -}}").replace(/\{%-? endgeneration -?%\}/g, "{{- '\\u0002' -}}");
  const output = new Template(marked).render({ messages, bos_token: '<s>', add_generation_prompt: false });
  const trained = [...output.matchAll(/\u0001([^\u0002]*)\u0002/g)].map((match) => match[1]).join('');
  return { text: output.replace(/[\u0001\u0002]/g, ''), trained };
}

describe('train export', () => {
  it('TRL: the chat template renders the rows byte for byte and marks exactly the trained spans', async () => {
    const report = await exportTrainerData({ inputs: [input], outDir: join(folder, 'trl'), trainer: 'trl', model: 'base', tokenizer, querySuffix: '\n', contextLength: 2048 });
    expect(report.written).toBe(published.length + 1);
    expect(readFileSync(join(folder, 'trl', 'mathcoder_chat_template.jinja'), 'utf8')).toBe(TRL_CHAT_TEMPLATE);
    const rows = readJsonlSync(join(folder, 'trl', 'data', 'train.jsonl')).map(({ value }) => value as { id: string; messages: unknown });
    const config = JSON.parse(readFileSync(join(folder, 'trl', 'tokenizer', 'tokenizer_config.json'), 'utf8'));
    expect(config.chat_template).toBe(TRL_CHAT_TEMPLATE);
    expect(readFileSync(join(folder, 'trl', 'trl_sft.yaml'), 'utf8')).toMatch(/assistant_only_loss: true\npacking: true/);
    rows.slice(0, published.length).forEach((row, index) => {
      const { text, trained } = renderWithGenerationMarks(TRL_CHAT_TEMPLATE, row.messages);
      expect(text).toBe('<s>' + MATHCODER_SYNTAX.render({ ...published[index]!.conversation, open: false }));
      expect(trained).toBe(trainedText(index));
    });
  });

  it('Axolotl: content parts flag exactly the execution blocks train: false, and the template renders the format', async () => {
    await exportTrainerData({ inputs: [input], outDir: join(folder, 'axolotl'), trainer: 'axolotl', model: 'base', tokenizer, querySuffix: '\n', contextLength: 2048 });
    const rows = readJsonlSync(join(folder, 'axolotl', 'train.jsonl')).map(({ value }) => value as { messages: Array<{ role: string; content: string | Array<{ text: string; train: boolean }> }> });
    rows.slice(0, published.length).forEach((row, index) => {
      const assistant = row.messages[row.messages.length - 1]!.content as Array<{ text: string; train: boolean }>;
      // Axolotl trains the flagged parts and the EOT token after the turn.
      expect(assistant.filter((part) => part.train).map((part) => part.text).join('') + '<|endofmessage|>').toBe(trainedText(index));
      for (const part of assistant) expect(part.train).toBe(!part.text.startsWith('<|execution|>'));
      const joined = row.messages.map((message) => ({ role: message.role, content: typeof message.content === 'string' ? message.content : message.content.map((part) => part.text).join('') }));
      expect(new Template(AXOLOTL_CHAT_TEMPLATE).render({ messages: joined, bos_token: '<s>' })).toBe('<s>' + MATHCODER_SYNTAX.render({ ...published[index]!.conversation, open: false }));
    });
    expect(readFileSync(join(folder, 'axolotl', 'axolotl.yaml'), 'utf8')).toMatch(/eot_tokens: \["<\|endofmessage\|>"\]/);
  });

  it('LLaMA-Factory: code before an execution is a function_call, the execution an observation, strictly alternating', async () => {
    const report = await exportTrainerData({ inputs: [input], outDir: join(folder, 'llama-factory'), trainer: 'llama-factory', model: 'base', tokenizer, querySuffix: '\n', contextLength: 2048 });
    expect(report.skipped).toBe(1);
    const rows = readJsonlSync(join(folder, 'llama-factory', 'mathcoder.jsonl')).map(({ value }) => value as { conversations: Array<{ from: string; value: string }> });
    rows.forEach((row, index) => {
      const turns = row.conversations;
      turns.forEach((turn, position) => expect(position % 2 === 0 ? ['human', 'observation'] : ['function_call', 'gpt']).toContain(turn.from));
      expect(turns[turns.length - 1]!.from).toBe('gpt');
      const trained = turns.filter((turn) => turn.from === 'function_call' || turn.from === 'gpt').map((turn) => turn.value).join('') + '<|endofmessage|>';
      expect(trained).toBe(trainedText(index));
      // The template's slots put the turns together into the MathCoder format.
      const text = turns.map((turn) => (turn.from === 'human' ? turn.value + '<|assistant|>' : turn.value)).join('') + '<|endofmessage|>';
      expect(text).toBe(MATHCODER_SYNTAX.render(published[index]!.conversation));
      for (const turn of turns.filter((t) => t.from === 'observation')) expect(turn.value.startsWith('<|execution|>')).toBe(true);
    });
    expect(JSON.parse(readFileSync(join(folder, 'llama-factory', 'dataset_info.json'), 'utf8')).mathcoder.formatting).toBe('sharegpt');
  });
});
