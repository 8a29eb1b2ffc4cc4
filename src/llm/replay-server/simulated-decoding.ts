import { findStop } from '../stop-strings.js';
import { EOS_ID, type ReplayToken } from './replay-vocabulary.js';

/**
 * Decodes a continuation token by token under a request's settings, the way vLLM does (SPEC 4.5):
 * special tokens are dropped from the text when `skipSpecialTokens` (so special-token stop strings never fire,
 * vllm #2123), spaces separate special tokens from the text around them when `spacesBetweenSpecialTokens`,
 * a stop string ends the text before it unless `includeStopStringInOutput`, and a special stop token id is
 * never part of the text. EOS follows the continuation.
 */
export interface DecodeSettings {
  readonly maxTokens: number;
  readonly stopStrings: readonly string[];
  readonly stopTokenIds: readonly number[];
  readonly skipSpecialTokens: boolean;
  readonly spacesBetweenSpecialTokens: boolean;
  readonly includeStopStringInOutput: boolean;
}

export interface Decoded {
  readonly text: string;
  /** The text after each generated token (for streaming). */
  readonly steps: readonly string[];
  readonly finishReason: 'stop' | 'length';
  /** vLLM's `stop_reason`: the stop string or token id that fired; null on EOS or length. */
  readonly stopReason: string | number | null;
  readonly tokens: readonly ReplayToken[];
}

function render(tokens: readonly ReplayToken[], settings: DecodeSettings): string {
  const parts: string[] = [];
  let run = '';
  for (const token of tokens) {
    if (!token.special) {
      run += token.text;
      continue;
    }
    if (run !== '') parts.push(run);
    run = '';
    if (!settings.skipSpecialTokens) parts.push(token.text);
  }
  if (run !== '') parts.push(run);
  return parts.join(settings.spacesBetweenSpecialTokens && !settings.skipSpecialTokens ? ' ' : '');
}

export function simulateDecoding(continuation: readonly ReplayToken[], settings: DecodeSettings): Decoded {
  const generated: ReplayToken[] = [];
  const steps: string[] = [];
  const all = [...continuation, { id: EOS_ID, text: '</s>', special: true }];
  for (const token of all) {
    if (generated.length >= settings.maxTokens) return { text: steps.at(-1) ?? '', steps, finishReason: 'length', stopReason: null, tokens: generated };
    if (token.id === EOS_ID) return { text: steps.at(-1) ?? '', steps, finishReason: 'stop', stopReason: null, tokens: generated };
    generated.push(token);
    if (settings.stopTokenIds.includes(token.id)) {
      const text = render(token.special ? generated.slice(0, -1) : generated, settings);
      steps.push(text);
      return { text, steps, finishReason: 'stop', stopReason: token.id, tokens: generated };
    }
    const text = render(generated, settings);
    const match = findStop(text, settings.stopStrings);
    if (match) {
      const cut = text.slice(0, match.index + (settings.includeStopStringInOutput ? match.stop.length : 0));
      steps.push(cut);
      return { text: cut, steps, finishReason: 'stop', stopReason: match.stop, tokens: generated };
    }
    steps.push(text);
  }
  return { text: steps.at(-1) ?? '', steps, finishReason: 'stop', stopReason: null, tokens: generated };
}
