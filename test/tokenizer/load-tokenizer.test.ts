import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MATHCODER_SYNTAX } from '../../src/format/index.js';
import { llama2TokenizerJson, loadTokenizer, mergePairs, withMathcoderTokens } from '../../src/tokenizer/index.js';
import { sentencePieceModelBytes } from './sentencepiece-writer.js';
import { sharedTrajectories } from './trajectory-texts.js';

const builtin = loadTokenizer('llama2');
const texts = sharedTrajectories(3).map(({ conversation }) => MATHCODER_SYNTAX.render(conversation));
const folder = mkdtempSync(join(tmpdir(), 'mathcoder-tokenizer-'));

/** Llama's SentencePiece scores: merge order is id order, and runs of "▁" come last with one low score. */
function llamaLikeModel(): Uint8Array {
  const vocabulary = builtin.vocabulary();
  const scores = new Float32Array(32000);
  vocabulary.tokens.slice(0, 32000).forEach((token, id) => {
    scores[id] = vocabulary.types[id] !== 'normal' ? 0 : /^▁▁+$/.test(token) ? -1e9 : -(id - 259);
  });
  return sentencePieceModelBytes({ ...vocabulary, scores }, 32000);
}

describe('loadTokenizer', () => {
  it("turns a tokenizer.model into Hugging Face's Llama-2 merges exactly, and keeps the file's scores", () => {
    const path = join(folder, 'tokenizer.model');
    writeFileSync(path, llamaLikeModel());
    const fromModel = loadTokenizer(path);
    expect(mergePairs(fromModel.json)).toEqual(mergePairs(llama2TokenizerJson()));
    for (const text of texts) expect(fromModel.encode(text)).toEqual(builtin.encode(text));
    const vocabulary = fromModel.vocabulary();
    expect(vocabulary.scores[260]).toBe(-1);
    expect(vocabulary.scores[259]).toBe(-1e9);
    expect(vocabulary.tokens.slice(32000)).toEqual(builtin.vocabulary().tokens.slice(32000));
  });

  it('reads a tokenizer.json, a folder holding one, and a model id from the local Hugging Face cache', () => {
    const path = join(folder, 'tokenizer.json');
    writeFileSync(path, JSON.stringify(llama2TokenizerJson()));
    expect(loadTokenizer(path).encode(texts[0]!)).toEqual(builtin.encode(texts[0]!));
    const cache = join(folder, 'hub');
    const snapshot = join(cache, 'models--meta-llama--Llama-2-7b-hf', 'snapshots', 'abc123');
    mkdirSync(snapshot, { recursive: true });
    mkdirSync(join(cache, 'models--meta-llama--Llama-2-7b-hf', 'refs'));
    writeFileSync(join(cache, 'models--meta-llama--Llama-2-7b-hf', 'refs', 'main'), 'abc123');
    writeFileSync(join(snapshot, 'tokenizer.json'), JSON.stringify(llama2TokenizerJson()));
    const cached = loadTokenizer('meta-llama/Llama-2-7b-hf', { huggingFaceCache: cache });
    expect(cached.source).toBe(join(snapshot, 'tokenizer.json'));
    expect(cached.encode(texts[1]!)).toEqual(builtin.encode(texts[1]!));
    expect(loadTokenizer(snapshot).source).toBe(join(snapshot, 'tokenizer.json'));
  });

  it('keeps the ids of a tokenizer that already has the special tokens, and can require them', () => {
    const path = join(folder, 'mathcoder-tokenizer.json');
    writeFileSync(path, JSON.stringify(withMathcoderTokens(llama2TokenizerJson(), 'llama2')));
    const required = loadTokenizer(path, { specialTokens: 'require' });
    expect(required.encode('<|assistant|><|code|>')).toEqual([32002, 32005]);
  });

  it('refuses, in one line, a tokenizer it cannot find or one that splits a special token', () => {
    expect(() => loadTokenizer('meta-llama/Llama-2-13b-hf', { huggingFaceCache: join(folder, 'hub') })).toThrow(
      /"meta-llama\/Llama-2-13b-hf" is not in the Hugging Face cache at .*hub \(nothing is downloaded/,
    );
    expect(() => loadTokenizer(join(folder, 'missing.json'))).toThrow(/missing.json" is not a file, a folder, "llama2" or a cached Hugging Face id/);
    const base = join(folder, 'base-tokenizer.json');
    writeFileSync(base, JSON.stringify(llama2TokenizerJson()));
    expect(() => loadTokenizer(base, { specialTokens: 'require' })).toThrow(/splits <\|system\|> into \d+ tokens .*lacks MathCoder's special tokens/);
    const stripping = llama2TokenizerJson();
    stripping.added_tokens.push({ id: 32000, content: '<|code|>', lstrip: true, rstrip: false, normalized: false, special: true });
    const strippingPath = join(folder, 'stripping-tokenizer.json');
    writeFileSync(strippingPath, JSON.stringify(stripping));
    expect(() => loadTokenizer(strippingPath)).toThrow(/declares <\|code\|> with lstrip/);
    const notModel = join(folder, 'tokenizer-broken.model');
    writeFileSync(notModel, Buffer.from([0x0a, 0xff, 0xff]));
    expect(() => loadTokenizer(notModel)).toThrow(/not a SentencePiece tokenizer.model/);
  });
});
