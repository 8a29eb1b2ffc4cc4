import type { Vocabulary } from '../../src/tokenizer/index.js';

/**
 * An independent reference of how llama.cpp tokenises with a SentencePiece vocabulary (its `llm_tokenizer_spm`):
 * start from single characters, repeatedly merge the adjacent pair whose joined text is a token with the highest
 * score (the leftmost on ties), then fall back to byte tokens for characters that are not tokens. Special tokens
 * are split off first and a "▁" is put before every piece of text that starts the input or follows one. Tests use
 * it to check that the scores mathcoder exports give llama.cpp the same ids as the BPE merges.
 */
export function scoreMergingEncode(vocabulary: Vocabulary, specialTokens: readonly string[], text: string): number[] {
  const ids = new Map<string, number>();
  vocabulary.tokens.forEach((token, id) => {
    if (vocabulary.types[id] === 'normal' || vocabulary.types[id] === 'user-defined') ids.set(token, id);
  });
  const byteIds = new Map<number, number>();
  vocabulary.tokens.forEach((token, id) => {
    if (vocabulary.types[id] === 'byte') byteIds.set(parseInt(token.slice(3, 5), 16), id);
  });
  const specialIds = new Map(specialTokens.map((token) => [token, vocabulary.tokens.indexOf(token)]));
  const pattern = new RegExp(specialTokens.map((token) => token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  const output: number[] = [];
  let position = 0;
  const encodePiece = (piece: string): void => {
    const symbols = Array.from((vocabulary.addSpacePrefix ? ' ' : '') + piece).map((character) => (character === ' ' ? '▁' : character));
    const next = symbols.map((_, index) => index + 1);
    const previous = symbols.map((_, index) => index - 1);
    const queue: Array<{ left: number; right: number; score: number; text: string }> = [];
    const push = (left: number, right: number): void => {
      if (left < 0 || right >= symbols.length) return;
      const text = symbols[left]! + symbols[right]!;
      const id = ids.get(text);
      if (id !== undefined) queue.push({ left, right, score: vocabulary.scores[id]!, text });
    };
    for (let index = 0; index + 1 < symbols.length; index++) push(index, index + 1);
    for (;;) {
      let best = -1;
      queue.forEach((bigram, index) => {
        const current = queue[best];
        if (!current || bigram.score > current.score || (bigram.score === current.score && bigram.left < current.left)) best = index;
      });
      if (best < 0) break;
      const bigram = queue.splice(best, 1)[0]!;
      if (symbols[bigram.left] === '' || symbols[bigram.right] === '' || symbols[bigram.left]! + symbols[bigram.right]! !== bigram.text) continue;
      symbols[bigram.left] = bigram.text;
      symbols[bigram.right] = '';
      next[bigram.left] = next[bigram.right]!;
      if (next[bigram.right]! < symbols.length) previous[next[bigram.right]!] = bigram.left;
      push(previous[bigram.left]!, bigram.left);
      push(bigram.left, next[bigram.left]!);
    }
    for (let index = 0; index < symbols.length; index = next[index]!) {
      const id = ids.get(symbols[index]!);
      if (id !== undefined) output.push(id);
      else for (const byte of new TextEncoder().encode(symbols[index]!.replace(/▁/g, ' '))) output.push(byteIds.get(byte)!);
    }
  };
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    if (match.index > position) encodePiece(text.slice(position, match.index));
    output.push(specialIds.get(match[0])!);
    position = match.index + match[0].length;
  }
  if (position < text.length) encodePiece(text.slice(position));
  return output;
}
