import { describe, expect, it } from 'vitest';
import {
  MATHCODER_SYNTAX,
  parsePublishedRow,
  publishedConversation,
  publishedTrajectory,
  toPublishedRow,
  type PublishedRow,
} from '../../src/format/index.js';
import { readJsonlSync } from '../../src/util/jsonl.js';
import { trajectoryFiles } from '../helpers/shared.js';

const files = trajectoryFiles();
const rowsByFile = files.map((file) => ({
  file,
  rows: readJsonlSync(file).map(({ lineNumber, value }) => parsePublishedRow(value, `${file}:${lineNumber}`)),
}));

describe('every published trajectory in ../shared/trajectories', () => {
  it('finds all nine files', () => {
    expect(files).toHaveLength(9);
  });

  for (const { file, rows } of rowsByFile) {
    const name = file.split('/').slice(-2).join('/');
    it(`${name}: render(parse(x)) == x and parse(render(t)) == t for all ${rows.length} rows`, () => {
      for (const row of rows) {
        const trajectory = publishedTrajectory(row);
        for (const querySuffix of ['', '\n']) {
          const conversation = publishedConversation(trajectory, { querySuffix });
          const text = MATHCODER_SYNTAX.render(conversation);
          const parsed = MATHCODER_SYNTAX.parse(text);
          expect(parsed).toEqual(conversation);
          expect(MATHCODER_SYNTAX.render(parsed)).toBe(text);
        }
        // The assistant part, as raw generated text, also parses back block by block.
        const assistant = MATHCODER_SYNTAX.renderBlocks(trajectory.blocks) + (trajectory.finished ? '<|endofmessage|>' : '');
        const generation = MATHCODER_SYNTAX.parseGeneration(assistant);
        expect(generation.blocks.map((b) => ({ type: b.type, content: b.content }))).toEqual(trajectory.blocks);
        expect(generation.endOfMessage).toBe(trajectory.finished);
      }
    });

    it(`${name}: rows write back to the same row`, () => {
      for (const row of rows) {
        const trajectory = publishedTrajectory(row);
        const { id, ground_truth, completion, messages: _m, debug_result: _d, ...extra } = row;
        const rebuilt = toPublishedRow(trajectory, { ...(id === undefined ? {} : { id }), groundTruth: ground_truth, completion, extra });
        expect(rebuilt).toEqual(row);
      }
    });
  }
});

describe('the answer echo of finished trajectories', () => {
  const all = rowsByFile.flatMap(({ rows }) => rows);

  it('is recognised where the model ended its message, and equals the completion', () => {
    const finished = all.map(publishedTrajectory).filter((t) => t.finished);
    expect(finished.length / all.length).toBeGreaterThan(0.97);
    for (const [index, row] of all.entries()) {
      const trajectory = publishedTrajectory(row);
      if (trajectory.finished) expect(trajectory.answerEcho).toBe(row.completion);
      void index;
    }
  });

  it('is not taken from a long text block that continues the one before it (a block cut at the token limit)', () => {
    const continued = all.find((row) => row.debug_result.at(-1)!.content.startsWith('denominator by their GCD.'));
    expect(continued).toBeDefined();
    expect(publishedTrajectory(continued as PublishedRow).finished).toBe(false);
  });
});

describe('bad rows', () => {
  it('names the row and the field that is wrong', () => {
    expect(() => parsePublishedRow({ messages: [], ground_truth: { answer: 1 }, completion: '1' }, 'f.jsonl:3')).toThrow(
      'f.jsonl:3: not a published MathCoder row: field debug_result',
    );
    expect(() =>
      parsePublishedRow({ messages: [], ground_truth: { answer: 1 }, completion: '1', debug_result: [{ role: 'text', content: '' }] }, 'f.jsonl:4'),
    ).toThrow('f.jsonl:4: debug_result must start with a system and a user entry');
  });
});
