/**
 * Exact containment between word sequences, found through an index instead of a scan: a document of at least
 * `anchor` words inside a query shares its first `anchor` words with one of the query's windows; a query inside a
 * document shares its first window with one of the document's. Sequences shorter than `anchor` words match only
 * when equal. Containment is checked on whole words (`a b` is not inside `xa b`).
 */
export type Containment = 'equal' | 'document-in-query' | 'query-in-document';

export interface SubstringMatch {
  readonly document: number;
  readonly containment: Containment;
}

function spaced(words: readonly string[]): string {
  return ` ${words.join(' ')} `;
}

function push(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export class SubstringIndex {
  private readonly texts: string[] = [];
  private readonly whole = new Map<string, number[]>();
  private readonly firstWindow = new Map<string, number[]>();
  private readonly everyWindow = new Map<string, number[]>();

  constructor(private readonly anchor = 8) {}

  add(words: readonly string[]): number {
    const document = this.texts.length;
    this.texts.push(spaced(words));
    push(this.whole, words.join(' '), document);
    if (words.length >= this.anchor) {
      push(this.firstWindow, words.slice(0, this.anchor).join(' '), document);
      const seen = new Set<string>();
      for (let index = 0; index + this.anchor <= words.length; index += 1) {
        const window = words.slice(index, index + this.anchor).join(' ');
        if (!seen.has(window)) push(this.everyWindow, window, document);
        seen.add(window);
      }
    }
    return document;
  }

  find(words: readonly string[]): SubstringMatch | null {
    if (words.length === 0) return null;
    const equal = this.whole.get(words.join(' '));
    if (equal) return { document: equal[0]!, containment: 'equal' };
    if (words.length < this.anchor) return null;
    const text = spaced(words);
    for (let index = 0; index + this.anchor <= words.length; index += 1) {
      for (const document of this.firstWindow.get(words.slice(index, index + this.anchor).join(' ')) ?? []) {
        if (text.includes(this.texts[document]!)) return { document, containment: 'document-in-query' };
      }
    }
    for (const document of this.everyWindow.get(words.slice(0, this.anchor).join(' ')) ?? []) {
      if (this.texts[document]!.includes(text)) return { document, containment: 'query-in-document' };
    }
    return null;
  }
}
