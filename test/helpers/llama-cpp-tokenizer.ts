import { join } from 'node:path';
import { getLlama, type LlamaModel, type Token } from 'node-llama-cpp';
import { writeTinyGguf } from './tiny-gguf.js';

/**
 * llama.cpp's own tokenizer over the Llama-2 vocabulary plus MathCoder's special tokens: a vocabulary-only
 * GGUF written into `folder` and loaded by node-llama-cpp (~4 MB, ~0.3 s). Tokenising with `special: true`
 * parses special-token strings as the engine does for prompts.
 */
export interface LlamaCppTokenizer {
  tokenize(text: string, options?: { special?: boolean; bos?: boolean }): number[];
  detokenize(ids: readonly number[], options?: { special?: boolean }): string;
  close(): Promise<void>;
}

export async function loadLlamaCppTokenizer(folder: string, options: { addSpacePrefix?: boolean } = {}): Promise<LlamaCppTokenizer> {
  const path = join(folder, `llama2-vocabulary-${options.addSpacePrefix ? 'space-prefix' : 'no-space-prefix'}.gguf`);
  writeTinyGguf({ path, embeddingLength: 32, addSpacePrefix: options.addSpacePrefix ?? false });
  const llama = await getLlama({ gpu: false, build: 'never' });
  const model: LlamaModel = await llama.loadModel({ modelPath: path, vocabOnly: true });
  return {
    tokenize: (text, tokenizeOptions = {}) => [...(tokenizeOptions.bos ? [model.tokens.bos!] : []), ...model.tokenize(text, tokenizeOptions.special ?? true)],
    detokenize: (ids, detokenizeOptions = {}) => model.detokenize(ids as readonly Token[], detokenizeOptions.special ?? true),
    close: () => model.dispose(),
  };
}
