import { homedir } from 'node:os';
import { join } from 'node:path';
import { MathcoderError } from '../errors.js';
import { loadTokenizer, type SpecialTokenPolicy, type TextTokenizer } from '../tokenizer/index.js';

/** The Hugging Face hub cache: $HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub. */
export function huggingFaceCache(): string {
  if (process.env.HF_HUB_CACHE) return process.env.HF_HUB_CACHE;
  if (process.env.HF_HOME) return join(process.env.HF_HOME, 'hub');
  return join(homedir(), '.cache', 'huggingface', 'hub');
}

/** Loads --tokenizer, naming the flag in the error when it cannot be found. */
export function tokenizerFromFlag(spec: string, specialTokens: SpecialTokenPolicy = 'add'): TextTokenizer {
  try {
    return loadTokenizer(spec, { huggingFaceCache: huggingFaceCache(), specialTokens });
  } catch (error) {
    if (error instanceof MathcoderError && error.kind === 'tokenizer-missing') throw new MathcoderError('input', `--tokenizer ${error.message}`);
    throw error;
  }
}

