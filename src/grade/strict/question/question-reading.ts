/**
 * What a question says about its answer: the options of a multiple-choice question, the unknown a "Solve … for
 * w" asks for, the quantities a word problem asks for (in order), whether it asks for prime factors, and the
 * rounding it asks for.
 */

export interface ChoiceOption {
  /** `a`…`j` (lower case), or null for "Which is greater: X or Y?" and "… in A, B, C?" options. */
  readonly letter: string | null;
  /** The option as written (`0.2`, `-2/13`, `w`, `\frac{1}{2}`). */
  readonly text: string;
}

function cleanOption(text: string): string {
  return text
    .replace(/\\q?quad|\\textbf\{\s*\}|\\[,;:!]|\\text\{\s*\}/g, ' ')
    .replace(/^[\s$]+|[\s$.,;]+$/g, '')
    .trim();
}

/** `(a) 0.2  (b) 1  (c) -0.1` or `$\textbf{(A) }5 \qquad \textbf{(B) }6$`: letters in sequence from a. */
function letteredOptions(question: string): ChoiceOption[] {
  const markers = [...question.matchAll(/(?<=^|[\s{$])(?:\\textbf\{\s*)?\(([A-Ja-j])\)(?:\s*\})?/g)];
  const options: ChoiceOption[] = [];
  let expected = 0;
  let begin = -1;
  for (let index = 0; index < markers.length; index += 1) {
    const letter = markers[index]![1]!.toLowerCase();
    if (letter.charCodeAt(0) - 97 === 0) {
      options.length = 0;
      expected = 0;
      begin = index;
    }
    if (begin === -1 || letter.charCodeAt(0) - 97 !== expected) continue;
    expected += 1;
    const from = markers[index]!.index + markers[index]![0].length;
    const until = index + 1 < markers.length ? markers[index + 1]!.index : question.length;
    options.push({ letter, text: cleanOption(question.slice(from, until).split(/\n|\?/)[0]!) });
  }
  return options.length >= 2 && options.every((option) => option.text !== '') ? options : [];
}

/** "Which is greater: 4 or 179?", "What is the nearest to 1 in 0.042, l, -1?", "… value in p, -2/3, -3?". */
function namedOptions(question: string): ChoiceOption[] {
  const pair = /\bWhich is (?:greater|smaller|bigger|larger|less|more):?\s+(\S+?)\s+or\s+(\S+?)\s*\?\s*$/i.exec(question);
  if (pair) return [pair[1]!, pair[2]!].map((text) => ({ letter: null, text: cleanOption(text) }));
  const list = /\b(?:closest|nearest|biggest|smallest|greatest|largest|value)\b[^?]*?\bin\s+([^?]+?)\s*\?\s*$/i.exec(question);
  if (list) {
    const items = list[1]!.split(/\s*,\s*/).map(cleanOption);
    if (items.length >= 2 && items.every((item) => /^-?[\w./]+$/.test(item))) return items.map((text) => ({ letter: null, text }));
  }
  return [];
}

export function choiceOptions(question: string): ChoiceOption[] {
  const lettered = letteredOptions(question);
  return lettered.length > 0 ? lettered : namedOptions(question);
}

/** The variable "Solve … for w." asks for (or "Find w." / "What is w?"), or null. */
export function askedVariable(question: string): string | null {
  const match = /\b(?:for|find|Find|is|Give|Determine)\s+([a-zA-Z])\s*[.?]?\s*$/.exec(question.trim());
  return match && /\b(?:Solve|solve|Find|find|What is|Give|Determine)\b/.test(question) ? match[1]! : null;
}

/** The question asks for numbers with no order between them ("Find the two numbers.", "What are the numbers?"). */
export function asksForNumbers(question: string): boolean {
  return /\b(?:find|what are|determine)\s+(?:the\s+|both\s+)?(?:two\s+|2\s+)?(?:numbers|integers)\b|\bfind both numbers\b|\bwhat are the (?:two |greatest possible |least possible )?(?:consecutive )?(?:even |odd )?(?:numbers|integers)\b/i.test(question)
    && !/\b(?:smaller|larger|greater|lesser|first|second|bigger)\b(?:\s+(?:number|integer|one))?\s*[?.]/i.test(question.split(/(?<=[.?])\s+/).slice(-2).join(' '));
}

/** The question asks for a percentage ("What percent …", "expressed as a percentage"). */
export function asksForPercent(question: string): boolean {
  return /\b(?:what|which)\s+percent|\bas an? percent(?:age)?\b|\bin percent\b|\bpercentage\b/i.test(question);
}

export function asksForPrimeFactors(question: string): boolean {
  return /\bprime factors?\b/i.test(question) && !/\b(?:how many|sum|product|largest|smallest|biggest|greatest)\b/i.test(question);
}

const PLACES: Record<string, number> = {
  integer: 0, 'whole number': 0, unit: 0, one: 0, ones: 0, dollar: 0, percent: 0, degree: 0,
  tenth: 1, hundredth: 2, cent: 2, penny: 2, thousandth: 3, 'ten-thousandth': 4, 'ten thousandth': 4,
};
const COUNT_WORDS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6 };

/** The decimal places the question asks answers to be rounded to ("to the nearest hundredth": 2), or null. */
export function askedDecimals(question: string): number | null {
  const nearest = /\bnearest\s+(ten[- ]thousandth|whole number|[a-z]+?)(?:s|th)?\b/i.exec(question);
  if (nearest) {
    const word = nearest[1]!.toLowerCase();
    const places = PLACES[word] ?? PLACES[word.replace(/th$/, '')] ?? PLACES[`${word}th`];
    if (places !== undefined && /\b(?:round|nearest|express|give|answer)\b/i.test(question)) return places;
  }
  const decimals = /\b(\d|one|two|three|four|five|six)\s+decimal (?:places?|digits?)\b/i.exec(question);
  if (decimals) return COUNT_WORDS[decimals[1]!.toLowerCase()] ?? Number(decimals[1]);
  return null;
}

const STOP_WORDS = new Set(
  'a an the of in on at to for by with from and or is are was were be been do does did how many much what which who whom whose will would should can could has have had each every per there their his her its it they he she we you i that this these those as if than then so all total number numbers amount value values find'.split(' '),
);

export function contentWords(text: string): string[] {
  return (text.toLowerCase().match(/[a-z]+|\d+(?:\.\d+)?\s*%?/g) ?? [])
    .map((word) => word.replace(/\s+/g, '').replace(/(?<=[a-z]{3})(?:es|s)$/, ''))
    .filter((word) => !STOP_WORDS.has(word));
}

const AUXILIARY = /\s+(?:did|does|do|were|was|are|is|will|should|can|could|would|has|have|had|must)\b/i;

/**
 * An ask split at "and" where it asks for two things: "How many colored copies and white copies did she make?",
 * "the cost of X and the cost of Y", "each rose and daisy".
 */
function splitAsk(ask: string): string[] {
  const head = /^how (?:many|much)\s+/i.exec(ask);
  if (head) {
    const rest = ask.slice(head[0].length);
    const verb = AUXILIARY.exec(rest);
    const subject = verb ? rest.slice(0, verb.index) : rest.replace(/\?$/, '');
    const tail = verb ? rest.slice(verb.index) : '';
    const parts = subject.split(/\s+and\s+(?:how (?:many|much)\s+)?/i);
    if (parts.length > 1 && parts.every((part) => contentWords(part).length > 0)) return parts.map((part) => `${part}${tail}`);
  }
  const parts = ask.split(/\s+and\s+(?=(?:how many|how much|what is|what are|the|each|a|an|for|one)\b)/i);
  if (parts.length > 1 && parts.every((part) => contentWords(part).length > 0)) return parts;
  // "each rose and daisy", "the first and second storms": two single words around "and".
  const pair = /^(.*?\b)([a-z][\w-]*)\s+and\s+([a-z][\w-]*)(\b.*)$/i.exec(ask);
  if (pair && !STOP_WORDS.has(pair[2]!.toLowerCase()) && !STOP_WORDS.has(pair[3]!.toLowerCase()) && /\b(?:each|the|of)\s*$/i.test(pair[1]!)) {
    return [`${pair[1]}${pair[2]}${pair[4]}`, `${pair[1]}${pair[3]}${pair[4]}`];
  }
  return [ask];
}

/**
 * The quantities a word problem asks for, in the order it asks: its questions ("How many X …?", "What is the
 * cost of …?", ", find the number of …"; when two or more sentences end in "?", only those), each split at "and"
 * where it asks for two things ("How many children and adults went?"). Each quantity is its content words.
 */
export function askedQuantities(question: string): string[][] {
  const sentences = question
    .split(/(?<=[?.!])\s+|,\s*(?=(?:how|find|what)\b)/i)
    .map((sentence) => sentence.trim())
    .filter((sentence) => /\?$/.test(sentence) || /^(?:find|what|how|determine|calculate|compute)\b/i.test(sentence));
  const questions = sentences.filter((sentence) => sentence.endsWith('?'));
  const asks = questions.length >= 2 ? questions : sentences;
  return asks
    .flatMap((ask) => splitAsk(ask.replace(/^.*?\b(?=(?:how (?:many|much)|what|which|find|determine|calculate|compute)\b)/i, '')))
    .map((ask) => ask.replace(/^how (?:many|much)\b/i, ''))
    .map((ask) => contentWords(ask.replace(/^(?:how (?:many|much)|what (?:is|are|was|were)|which|find|determine|calculate|compute)\b/i, '')))
    .filter((words) => words.length > 0);
}
