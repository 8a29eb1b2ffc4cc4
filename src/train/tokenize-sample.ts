import type { Conversation } from '../format/index.js';
import type { TextTokenizer } from '../tokenizer/index.js';
import { lossSpans, type LossPolicy } from './loss-spans.js';

/** The label of a token that carries no loss (PyTorch's cross-entropy `ignore_index`). */
export const IGNORE_INDEX = -100;

export interface SampleOptions {
  readonly lossPolicy: LossPolicy;
  /** Put the tokenizer's BOS first (masked), as Hugging Face's tokenizer does for Llama. */
  readonly bos: boolean;
}

export interface TokenizedSample {
  readonly inputIds: number[];
  /** The input id where the token is trained, IGNORE_INDEX where it is masked. */
  readonly labels: number[];
}

/**
 * Tokenises the rendered conversation once, then labels each group of ids by the span its text lies in. The first
 * token of a sample is never trained: in a packed row nothing of the sample comes before it.
 */
export function tokenizeSample(conversation: Conversation, tokenizer: TextTokenizer, options: SampleOptions, where: string): TokenizedSample {
  const spans = lossSpans(conversation, options.lossPolicy, where);
  const text = spans.map((span) => span.text).join('');
  const inputIds: number[] = [];
  const labels: number[] = [];
  if (options.bos && tokenizer.bosId !== null) {
    inputIds.push(tokenizer.bosId);
    labels.push(IGNORE_INDEX);
  }
  let spanIndex = 0;
  let spanEnd = spans[0]?.text.length ?? 0;
  for (const section of tokenizer.encodeSections(text)) {
    while (section.start >= spanEnd && spanIndex + 1 < spans.length) {
      spanIndex += 1;
      spanEnd += spans[spanIndex]!.text.length;
    }
    const trained = spans[spanIndex]!.trained;
    for (const id of section.ids) {
      inputIds.push(id);
      labels.push(trained ? id : IGNORE_INDEX);
    }
  }
  if (labels.length > 0) labels[0] = IGNORE_INDEX;
  return { inputIds, labels };
}
