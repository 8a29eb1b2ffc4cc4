export * from './vocabulary.js';
export * from './tokenizer-json.js';
export * from './builtin-llama2.js';
export * from './sentencepiece-model.js';
export * from './mathcoder-tokens.js';
export * from './text-tokenizer.js';
export * from './load-tokenizer.js';
