import type { LlamaModel } from 'node-llama-cpp';
import { MathcoderError } from '../../errors.js';

/**
 * Checks that each required token string (MathCoder's eight special tokens) is one token of the model's
 * vocabulary, read back as itself, and marked special (control or user-defined), so that the prompt's protocol
 * tokens are the ones the model was trained on. Returns their ids; refuses the model otherwise.
 */
export function checkSpecialTokens(model: LlamaModel, tokens: readonly string[], modelName: string): Record<string, number> {
  const ids: Record<string, number> = {};
  for (const token of tokens) {
    const pieces = model.tokenize(token, true);
    const id = pieces[0];
    if (pieces.length !== 1 || id === undefined || model.detokenize([id], true) !== token) {
      throw new MathcoderError(
        'model',
        `${modelName} is not a MathCoder model: "${token}" is ${pieces.length} tokens in its vocabulary, not one special token; ` +
          'use a MathCoder GGUF (e.g. --model mathcoder-cl-7b) or --syntax tora for a Markdown model',
      );
    }
    const attributes = model.getTokenAttributes(id);
    if (!attributes.control && !attributes.userDefined) {
      throw new MathcoderError('model', `${modelName}: "${token}" (id ${id}) is an ordinary token, not a special one; the GGUF's token types are wrong`);
    }
    ids[token] = id;
  }
  return ids;
}
