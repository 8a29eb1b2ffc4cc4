/**
 * An inverted index of documents' n-gram sets, for finding the most similar document to a query without
 * comparing it with every document: the grams shared with each document are counted through the grams'
 * postings, which gives the Jaccard similarity |A ∩ B| / |A ∪ B| exactly. Grams that occur in very many
 * documents ("how many #") are not walked (a match above any useful threshold shares rarer grams too); for the
 * few candidates they could lift over the threshold, the similarity is computed from the sets.
 */
export interface IndexMatch {
  readonly document: number;
  readonly similarity: number;
}

export class NgramIndex {
  private readonly postings = new Map<string, number[]>();
  private readonly documents: Array<ReadonlySet<string>> = [];

  constructor(private readonly maxPostings = 2_000) {}

  get size(): number {
    return this.documents.length;
  }

  /** Adds a document's grams; returns its number (0, 1, 2, … in order of adding). */
  add(grams: ReadonlySet<string>): number {
    const document = this.documents.length;
    this.documents.push(grams);
    for (const gram of grams) {
      const list = this.postings.get(gram);
      if (list) list.push(document);
      else this.postings.set(gram, [document]);
    }
    return document;
  }

  grams(document: number): ReadonlySet<string> {
    return this.documents[document]!;
  }

  /** The most similar document above `threshold` (strictly), among those `accept` allows; null when none is. */
  best(grams: ReadonlySet<string>, threshold: number, accept: (document: number) => boolean = () => true): IndexMatch | null {
    if (grams.size === 0) return null;
    // Shared grams counted through the postings of the rarer grams; the common ones may add at most `common`.
    const counts = new Map<number, number>();
    let common = 0;
    for (const gram of grams) {
      const list = this.postings.get(gram);
      if (!list) continue;
      if (list.length > this.maxPostings) {
        common += 1;
        continue;
      }
      for (const document of list) counts.set(document, (counts.get(document) ?? 0) + 1);
    }
    let best: IndexMatch | null = null;
    for (const [document, rare] of counts) {
      const other = this.documents[document]!;
      const bound = Math.min(rare + common, other.size);
      if (bound / (grams.size + other.size - bound) <= threshold || !accept(document)) continue;
      const similarity = common === 0 ? rare / (grams.size + other.size - rare) : jaccardSimilarity(grams, other);
      if (similarity > threshold && (best === null || similarity > best.similarity)) best = { document, similarity };
    }
    return best;
  }
}

/** |A ∩ B| / |A ∪ B|; 0 when both are empty. */
export function jaccardSimilarity(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const gram of small) if (large.has(gram)) shared += 1;
  return shared / (a.size + b.size - shared);
}
