/**
 * The ways problem texts are cut into words for matching them against each other:
 * - `whitespaceWords`: Python's `str.split()`, what MathCoder2's decontamination n-grams are made of;
 * - `plainWords`: lower-cased letters and digits only (punctuation, case and spacing do not matter), for exact
 *   matches that keep numbers;
 * - `templateSentences`: each sentence as words with numbers (digits or number words) turned into `#`,
 *   capitalised names into `@`, pronouns into `~` and family words into `%`, lower-cased, LaTeX commands and math
 *   symbols kept, diagrams (`[asy]…[/asy]`) left out: a problem with its names, people and numbers changed or its
 *   sentences reordered reads the same. Numbers inside LaTeX math can be kept (`mathNumbers: 'keep'`), for
 *   problems whose formulas, not their prose, say what they ask.
 */

export function whitespaceWords(text: string): string[] {
  return text.split(/\s+/).filter((word) => word !== '');
}

export function plainWords(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** The text as one key for exact matching that ignores case, punctuation and spacing. */
export function plainKey(text: string): string {
  return plainWords(text).join(' ');
}

/** Capitalised words that start sentences without being names. */
const NOT_NAMES = new Set(
  (
    'the a an if how what whats when where which who whom whose why in on at after before each every there this that these those ' +
    'she he they it we you i his her their its our your my find compute calculate let suppose given for from to of and but so then ' +
    'is are was were all some many much most both as by with during while since because assume consider determine evaluate express ' +
    'simplify solve show write round use one two three four five six seven eight nine ten also now today yesterday tomorrow only ' +
    'last next first second third however therefore thus each another any no not yes mr mrs ms dr'
  ).split(' '),
);

const NUMBER_WORDS = new Set(
  (
    'zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen ' +
    'twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million billion half twice double triple thrice dozen quarter'
  ).split(' '),
);

const PRONOUNS = new Set('he she him her his hers they them their theirs himself herself themselves'.split(' '));

const KIN = new Set(
  (
    'mom mother mum dad father mommy daddy parent parents sister brother sisters brothers son daughter sons daughters aunt uncle ' +
    'grandma grandmother grandpa grandfather cousin wife husband friend boy girl man woman'
  ).split(' '),
);

const NUMBER = /(?<![A-Za-z])\d[\d,]*(?:\.\d+)?/g;
const SENTENCE_END = /(?<=[.!?;:])\s+|\n+/;
const TEMPLATE_TOKEN = /\\[A-Za-z]+|[A-Za-z]+|#|\d+(?:\.\d+)?|[=+\-*/^<>|()[\]{}!]/g;
const MATH_SPAN = /\$\$[\s\S]*?\$\$|\$[\s\S]*?\$|\\\[[\s\S]*?\\\]|\\\([\s\S]*?\\\)/g;
const DIAGRAM = /\[asy\][\s\S]*?\[\/asy\]/g;

function templateWord(word: string): string {
  if (word.startsWith('\\') || !/^[A-Za-z]/.test(word)) return word;
  const lower = word.toLowerCase();
  if (NUMBER_WORDS.has(lower)) return '#';
  if (PRONOUNS.has(lower)) return '~';
  if (KIN.has(lower)) return '%';
  if (word.length > 1 && word[0] !== word[0]!.toLowerCase() && !NOT_NAMES.has(lower)) return '@';
  return lower;
}

/** Numbers turned into `#`, outside LaTeX math only when `keepInMath`. */
function placeholdNumbers(text: string, keepInMath: boolean): string {
  if (!keepInMath) return text.replace(NUMBER, '#');
  let result = '';
  let position = 0;
  for (const match of text.matchAll(MATH_SPAN)) {
    result += text.slice(position, match.index).replace(NUMBER, '#') + match[0];
    position = match.index + match[0].length;
  }
  return result + text.slice(position).replace(NUMBER, '#');
}

export function templateSentences(text: string, options: { readonly mathNumbers?: 'placeholder' | 'keep' } = {}): string[][] {
  const sentences: string[][] = [];
  const withoutDiagrams = text.replace(DIAGRAM, ' ');
  for (const sentence of placeholdNumbers(withoutDiagrams, options.mathNumbers === 'keep').split(SENTENCE_END)) {
    const words: string[] = [];
    for (const token of sentence.match(TEMPLATE_TOKEN) ?? []) {
      const word = templateWord(token);
      // "3 hundred", "1,200.50": one number, one placeholder.
      if (word === '#' && words[words.length - 1] === '#') continue;
      words.push(word);
    }
    if (words.length > 0) sentences.push(words);
  }
  return sentences;
}

/** Words of two letters or more outside LaTeX math: how much prose a problem has besides its formulas. */
export function proseWordCount(text: string): number {
  return text.replace(DIAGRAM, ' ').replace(MATH_SPAN, ' ').match(/[A-Za-z]{2,}/g)?.length ?? 0;
}

/** The distinct n-grams of a word sequence, joined by spaces (a sequence shorter than n is one gram). */
export function wordNgrams(words: readonly string[], n: number, into: Set<string> = new Set()): Set<string> {
  if (words.length === 0) return into;
  if (words.length < n) {
    into.add(words.join(' '));
    return into;
  }
  for (let index = 0; index + n <= words.length; index += 1) into.add(words.slice(index, index + n).join(' '));
  return into;
}

/** MathCoder2's n-grams: `set(nltk.ngrams(text.split(), n))`, empty for a text shorter than n words. */
export function strictWordNgrams(words: readonly string[], n: number): Set<string> {
  const grams = new Set<string>();
  for (let index = 0; index + n <= words.length; index += 1) grams.add(words.slice(index, index + n).join(' '));
  return grams;
}

/** n-grams inside each sentence, so that reordering sentences changes nothing. */
export function sentenceNgrams(sentences: readonly (readonly string[])[], n: number): Set<string> {
  const grams = new Set<string>();
  for (const sentence of sentences) wordNgrams(sentence, n, grams);
  return grams;
}
