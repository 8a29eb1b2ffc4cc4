import { DECONTAMINATION_RULES, type DecontaminationRule } from './clean-choices.js';
import { NgramIndex } from './ngram-index.js';
import { SubstringIndex, type Containment } from './substring-index.js';
import { plainWords, proseWordCount, sentenceNgrams, strictWordNgrams, templateSentences, whitespaceWords } from './text-normalization.js';

/**
 * Decontamination against benchmark test problems, by one of two rules:
 * - `mathcoder2`: MathCoder2's rule (data_processing/decontamination/exact_match_and_13-gram.py): an exact
 *   substring match, or a Jaccard similarity above 0.6 between the sets of word 13-grams (`text.split()`).
 *   Changing a name or a number breaks every 13-gram that spans it, so lightly edited problems get through.
 * - `normalized` (the default): an exact match on lower-cased words without punctuation (numbers kept), or a
 *   Jaccard similarity above 0.6 between the sets of 3-grams taken inside each sentence of the template text
 *   (numbers → #, names → @, see templateSentences), so changed names and numbers and reordered sentences still
 *   match. Problems with fewer than 4 words of prose outside their formulas ("Compute $\cos 120^\circ$.") are
 *   defined by their numbers: they are matched exactly only; with fewer than 10, the numbers inside their formulas
 *   are kept ("What is the remainder when $7^4$ is divided by $9$?" is not "… $2^{87}$ … $7$?").
 * Both find candidates through an inverted index, never by comparing every pair.
 */
export { DECONTAMINATION_RULES, type DecontaminationRule };

export interface TestProblem {
  readonly id: string;
  readonly dataset: string;
  readonly question: string;
}

export interface ContaminationMatch {
  readonly test: TestProblem;
  readonly kind: 'exact-substring' | 'ngram-jaccard';
  /** 1 for an exact match; the Jaccard similarity otherwise. */
  readonly similarity: number;
  readonly containment?: Containment;
}

export interface RuleSettings {
  readonly n: number;
  readonly threshold: number;
  /** Fewer words of prose than this on either side: no n-gram match. */
  readonly minProseWords: number;
  /** Fewer words of prose than this: the numbers inside formulas are kept, not placeholders. */
  readonly mathNumbersBelowProseWords: number;
}

export const RULE_SETTINGS: Readonly<Record<DecontaminationRule, RuleSettings>> = {
  mathcoder2: { n: 13, threshold: 0.6, minProseWords: 0, mathNumbersBelowProseWords: 0 },
  normalized: { n: 3, threshold: 0.6, minProseWords: 4, mathNumbersBelowProseWords: 10 },
};

interface RuleFunctions {
  readonly exactWords: (text: string) => string[];
  readonly grams: (text: string, n: number) => Set<string>;
}

const FUNCTIONS: Record<DecontaminationRule, RuleFunctions> = {
  mathcoder2: { exactWords: whitespaceWords, grams: (text, n) => strictWordNgrams(whitespaceWords(text), n) },
  normalized: {
    exactWords: plainWords,
    grams: (text, n) => {
      const mathNumbers = proseWordCount(text) < RULE_SETTINGS.normalized.mathNumbersBelowProseWords ? 'keep' : 'placeholder';
      return sentenceNgrams(templateSentences(text, { mathNumbers }), n);
    },
  },
};

export class ContaminationIndex {
  private readonly substrings = new SubstringIndex();
  private readonly grams = new NgramIndex();
  private readonly proseWords: number[] = [];
  private readonly functions: RuleFunctions;
  readonly settings: RuleSettings;

  private constructor(
    readonly rule: DecontaminationRule,
    private readonly tests: readonly TestProblem[],
    threshold?: number,
  ) {
    this.functions = FUNCTIONS[rule];
    this.settings = { ...RULE_SETTINGS[rule], ...(threshold === undefined ? {} : { threshold }) };
    for (const test of tests) {
      this.substrings.add(this.functions.exactWords(test.question));
      this.grams.add(this.functions.grams(test.question, this.settings.n));
      this.proseWords.push(proseWordCount(test.question));
    }
  }

  static build(tests: readonly TestProblem[], rule: DecontaminationRule, threshold?: number): ContaminationIndex {
    return new ContaminationIndex(rule, tests, threshold);
  }

  get testCount(): number {
    return this.tests.length;
  }

  /** The test problem `question` copies, exactly or nearly, or null. */
  match(question: string): ContaminationMatch | null {
    const exact = this.substrings.find(this.functions.exactWords(question));
    if (exact) return { test: this.tests[exact.document]!, kind: 'exact-substring', similarity: 1, containment: exact.containment };
    const { minProseWords, threshold, n } = this.settings;
    if (minProseWords > 0 && proseWordCount(question) < minProseWords) return null;
    const best = this.grams.best(this.functions.grams(question, n), threshold, (document) => this.proseWords[document]! >= minProseWords);
    return best ? { test: this.tests[best.document]!, kind: 'ngram-jaccard', similarity: best.similarity } : null;
  }
}
