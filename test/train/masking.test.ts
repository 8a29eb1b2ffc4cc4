import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MATHCODER_SYNTAX, TOKENS, renderBlock, type Block, type Conversation } from '../../src/format/index.js';
import { loadTokenizer } from '../../src/tokenizer/index.js';
import { IGNORE_INDEX, tokenizeSample } from '../../src/train/index.js';
import { sharedTrajectories } from '../tokenizer/trajectory-texts.js';

const tokenizer = loadTokenizer('llama2');

/** SPEC 4.3 stated directly: the assistant's text and code blocks, then its final <|endofmessage|>. */
function expectedTrainedText(conversation: Conversation): string {
  const assistant = conversation.messages[conversation.messages.length - 1]!;
  const blocks = assistant.content.filter((block) => block.type !== 'execution').map(renderBlock).join('');
  return blocks + (conversation.open ? '' : TOKENS.endOfMessage);
}

function checkSample(conversation: Conversation): void {
  const sample = tokenizeSample(conversation, tokenizer, { lossPolicy: 'paper', bos: true }, 'test');
  // The ids are those of the template renderer's text, with BOS first.
  expect(sample.inputIds).toEqual([tokenizer.bosId, ...tokenizer.encode(MATHCODER_SYNTAX.render(conversation))]);
  const trained = sample.labels.filter((label) => label !== IGNORE_INDEX);
  expect(tokenizer.decode(trained)).toBe(expectedTrainedText(conversation));
  sample.labels.forEach((label, index) => expect(label === IGNORE_INDEX || label === sample.inputIds[index]).toBe(true));
  const masked = sample.inputIds.filter((_, index) => sample.labels[index] === IGNORE_INDEX);
  const maskedText = tokenizer.decode(masked);
  for (const message of conversation.messages.slice(0, -1)) for (const block of message.content) expect(maskedText).toContain(renderBlock(block));
  for (const block of conversation.messages[conversation.messages.length - 1]!.content) {
    if (block.type === 'execution') expect(maskedText).toContain(renderBlock(block));
  }
}

// A literal "▁" is left out: SentencePiece reads it as a space, so it cannot decode back (in Llama's own tokenizer too).
const blockText = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\n', '\t', '1', '=', '(', ')', 'é', '镇', '🦙', '$', '\\', '<', '|'), maxLength: 24 });

/** A valid assistant message: text blocks, and code blocks each followed by their execution except perhaps the last. */
const assistantBlocks = fc
  .array(fc.record({ kind: fc.constantFrom('text', 'code-execution'), first: blockText, second: blockText }), { minLength: 1, maxLength: 6 })
  .chain((steps) =>
    fc.boolean().map((endsWithCode) => {
      const blocks: Block[] = steps.flatMap((step) =>
        step.kind === 'text'
          ? ([{ type: 'text', content: step.first }] as Block[])
          : [
              { type: 'code' as const, content: step.first },
              { type: 'execution' as const, content: step.second },
            ],
      );
      if (endsWithCode) blocks.push({ type: 'code', content: 'print(1)' });
      return blocks;
    }),
  );

describe('labels (SPEC 4.3)', () => {
  it('train exactly the text and code blocks and the final end of message of 200 shared trajectories', () => {
    const trajectories = sharedTrajectories(23);
    expect(trajectories.length).toBeGreaterThanOrEqual(200);
    for (const { conversation } of trajectories) checkSample(conversation);
  });

  it('do so for random block sequences, finished or not', () => {
    fc.assert(
      fc.property(blockText, blockText, assistantBlocks, fc.boolean(), (system, question, blocks, open) => {
        checkSample({
          messages: [
            { role: 'system', content: [{ type: 'text', content: system }] },
            { role: 'user', content: [{ type: 'text', content: question }] },
            { role: 'assistant', content: blocks },
          ],
          open,
        });
      }),
      { numRuns: 300 },
    );
  });

  it('train every token but the first with --loss all (the released recipe)', () => {
    const { conversation } = sharedTrajectories(1)[0]!;
    const sample = tokenizeSample(conversation, tokenizer, { lossPolicy: 'all', bos: true }, 'test');
    expect(sample.labels[0]).toBe(IGNORE_INDEX);
    expect(sample.labels.slice(1)).toEqual(sample.inputIds.slice(1));
  });
});
