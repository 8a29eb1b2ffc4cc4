import { describe, expect, it } from 'vitest';
import {
  MATHCODER_SYNTAX,
  parsePublishedRow,
  parseTrainRow,
  publishedConversation,
  publishedTrajectory,
  toTrainRow,
  trainRowConversation,
} from '../../src/format/index.js';
import { readJsonlSync } from '../../src/util/jsonl.js';
import { sharedPath } from '../helpers/shared.js';

describe('train_80k.jsonl rows (SPEC 3.1)', () => {
  it('render as the mathllm-finetune chat template does: every message ends with <|endofmessage|>, no BOS', () => {
    const row = parseTrainRow(
      {
        id: 'gsm8k-1',
        messages: [
          { role: 'system', content: [{ type: 'text', content: 'S' }] },
          { role: 'user', content: [{ type: 'text', content: 'Q' }] },
          {
            role: 'assistant',
            content: [
              { type: 'text', content: 't' },
              { type: 'code', content: 'c' },
              { type: 'execution', content: 'e' },
              { type: 'text', content: 'f' },
            ],
          },
        ],
      },
      'row 1',
    );
    expect(MATHCODER_SYNTAX.render(trainRowConversation(row))).toBe(
      '<|system|><|text|>S<|endofblock|><|endofmessage|><|user|><|text|>Q<|endofblock|><|endofmessage|>' +
        '<|assistant|><|text|>t<|endofblock|><|code|>c<|endofblock|><|execution|>e<|endofblock|><|text|>f<|endofblock|><|endofmessage|>',
    );
    expect(row.id).toBe('gsm8k-1');
  });

  it('convert from published trajectories and back without loss', () => {
    const rows = readJsonlSync(sharedPath('trajectories', 'mathcoder-l-7b', 'gsm8k.correct.jsonl')).slice(0, 100);
    for (const { lineNumber, value } of rows) {
      const trajectory = publishedTrajectory(parsePublishedRow(value, `gsm8k.correct.jsonl:${lineNumber}`));
      const conversation = { ...publishedConversation(trajectory), open: false };
      const trainRow = parseTrainRow(JSON.parse(JSON.stringify(toTrainRow(conversation))), 'row');
      expect(trainRowConversation(trainRow)).toEqual(conversation);
    }
  });

  it('name the row and field of a malformed row', () => {
    expect(() => parseTrainRow({ messages: [{ role: 'tool', content: [] }] }, 'data.jsonl:7')).toThrow(
      'data.jsonl:7: not a train_80k row: field messages.0.role',
    );
    expect(() => parseTrainRow({ messages: [{ role: 'user', content: [{ type: 'image', content: '' }] }] }, 'data.jsonl:8')).toThrow(
      'field messages.0.content.0.type',
    );
  });
});
