/**
 * Exact containment between word sequences, found through an index instead of a scan: a document of at least
 * `anchor` words inside a query shares its first `anchor` words with one of the query's windows; a query inside a
 * document shares its first window with one of the document's. Windows are indexed by a hash of their words'
 * numbers (every hit is checked on the text), sequences shorter than `anchor` words match only when equal, and
 * containment is checked on whole words (`a b` is not inside `xa b`).
 */
export type Containment = 'equal' | 'document-in-query' | 'query-in-document';

export interface SubstringMatch {
  readonly document: number;
  readonly containment: Containment;
}

function push<Key>(map: Map<Key, number[]>, key: Key, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}


export class SubstringIndex {
  private readonly texts: string[] = [];
  private readonly wordNumbers = new Map<string, number>();
  private readonly whole = new Map<string, number[]>();
  private readonly firstWindow = new Map<number, number[]>();
  private readonly everyWindow = new Map<number, number[]>();

  constructor(private readonly anchor = 8) {}

  /** The hash of each window of `anchor` words (words never seen get numbers too, so nothing collides by absence). */
  private windowHashes(words: readonly string[]): number[] {
    const numbers = words.map((word) => {
      let number = this.wordNumbers.get(word);
      if (number === undefined) {
        number = this.wordNumbers.size + 1;
        this.wordNumbers.set(word, number);
      }
      return number;
    });
    // Two 32-bit multiplicative hashes of the window, joined into one 53-bit number.
    const hashes: number[] = [];
    for (let start = 0; start + this.anchor <= numbers.length; start += 1) {
      let high = 0x811c9dc5;
      let low = 0x01000193;
      for (let index = start; index < start + this.anchor; index += 1) {
        high = Math.imul(high ^ numbers[index]!, 0x01000193);
        low = Math.imul(low ^ numbers[index]!, 0x5bd1e995);
      }
      hashes.push((high >>> 0) * 2 ** 21 + (low >>> 11));
    }
    return hashes;
  }

  add(words: readonly string[]): number {
    const document = this.texts.length;
    this.texts.push(` ${words.join(' ')} `);
    push(this.whole, words.join(' '), document);
    const hashes = this.windowHashes(words);
    if (hashes.length > 0) push(this.firstWindow, hashes[0]!, document);
    for (const hash of new Set(hashes)) push(this.everyWindow, hash, document);
    return document;
  }

  find(words: readonly string[]): SubstringMatch | null {
    if (words.length === 0) return null;
    const equal = this.whole.get(words.join(' '));
    if (equal) return { document: equal[0]!, containment: 'equal' };
    if (words.length < this.anchor) return null;
    const text = ` ${words.join(' ')} `;
    const hashes = this.windowHashes(words);
    for (const hash of hashes) {
      for (const document of this.firstWindow.get(hash) ?? []) {
        if (this.texts[document]!.length <= text.length && text.includes(this.texts[document]!)) return { document, containment: 'document-in-query' };
      }
    }
    for (const document of this.everyWindow.get(hashes[0]!) ?? []) {
      if (this.texts[document]!.includes(text)) return { document, containment: 'query-in-document' };
    }
    return null;
  }
}
