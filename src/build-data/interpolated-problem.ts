import { jaccardSimilarity } from './ngram-index.js';
import { looksLikeRefusal } from './refusal.js';
import { plainKey, plainWords, wordNgrams } from './text-normalization.js';

/**
 * What the teacher's interpolation reply gives: the new problem's text, or why there is none. Degenerate
 * replies are dropped with a counted reason: `empty`; `refusal`; `truncated` (cut by the token limit);
 * `copy-of-source` (the GSM8K or MATH example again, exactly or with trivial changes); `no-question` (nothing is
 * asked: no question mark and no instruction such as "find" or "compute").
 */
export const DEGENERATE_REASONS = ['empty', 'refusal', 'truncated', 'copy-of-source', 'no-question'] as const;
export type DegenerateReason = (typeof DEGENERATE_REASONS)[number];

/** Word 3-gram Jaccard similarity with a source above which the new problem is a copy of it. */
export const COPY_SIMILARITY = 0.9;

const LABEL = /^\s*(?:#+\s*)?(?:\*\*)?\s*(?:(?:the\s+)?new\s+problem|problem|example\s*3|question)\s*\d*\s*(?:\*\*)?\s*[:.]\s*(?:\*\*)?\s*/i;
const AFTERWORD = /\n\s*(?:#+\s*)?(?:\*\*)?\s*(?:solution|answer|explanation|step\s*1)\b[\s\S]*$/i;
const ASKS = /\?|\b(?:find|compute|calculate|determine|evaluate|what|how|solve|simplify|express|show|prove|give|which|list)\b/i;

/** The problem text of a reply: without a leading "New problem:" label, a solution after it, or wrapping quotes. */
export function interpolatedQuestion(reply: string): string {
  let text = reply.trim().replace(LABEL, '').replace(AFTERWORD, '').trim();
  if (/^"[^"]*"$/.test(text) || /^“[^”]*”$/.test(text)) text = text.slice(1, -1).trim();
  return text;
}

function trigrams(text: string): Set<string> {
  return wordNgrams(plainWords(text), 3);
}

export function degenerateReason(question: string, finishReason: string, sources: readonly string[]): DegenerateReason | null {
  if (question === '') return 'empty';
  if (looksLikeRefusal(question)) return 'refusal';
  if (finishReason === 'length') return 'truncated';
  const key = plainKey(question);
  const grams = trigrams(question);
  if (sources.some((source) => plainKey(source) === key || jaccardSimilarity(grams, trigrams(source)) > COPY_SIMILARITY)) return 'copy-of-source';
  if (!ASKS.test(question)) return 'no-question';
  return null;
}
