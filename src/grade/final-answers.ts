/**
 * The answer-extraction policy `final-answers@1`: every final answer of a model's last message, the one way
 * `solve`, `eval`, `grade`, `serve` and the viewer read answers (the mathcoder-compat grader keeps MathCoder's
 * own extraction). In order, the first that applies:
 *
 * 1. `boxed`: every non-empty `\boxed{…}` / `\fbox{…}` of the message (after a reasoning model's last
 *    `</think>`), in order, repeats removed; a box that is the subject of a later box ("among \boxed{a},
 *    \boxed{b} is \boxed{a}") is not an answer. A "Final Answer: …" or `#### N` written after the last box wins.
 * 2. `final-answer`: "Final Answer: The final answer is X. I hope it is correct." (and "Final Answer: … is X").
 * 3. `hashes`: GSM8K's `#### N`.
 * 4. `answer-is`: the last "the answer is X" / "answer: X".
 * 5. `bare`: a message that is no prose (a bare answer such as `3900`, `x = 5`, `25 \text{ children}`) is its
 *    own answer, unless words stand outside its math (a label), or beside its number where rule 6 may take it.
 * 6. Only for a complete message (`prose: true`) that does not stop mid-sentence: from the last sentence of its
 *    last paragraph that holds a value, `math`, its inline and display math (spans that only name something, such
 *    as `x`, left out); or `last-number`, its last number, where the dataset's answers are plain numbers
 *    (`lastNumber: true`: GSM8K, SVAMP, ASDiv, MAWPS, GSM-Hard, SimulEq). A label before the answer
 *    ("Answer $9$", "Here is a zero matrix: $…$") makes a short message one of these.
 *
 * In rules 2 and 4, an answer sentence that is prose ("Jane started growing Sphere 3 hours ago") gives its one
 * math span or number. Each answer keeps the words before and after it in its sentence, which the strict grader
 * reads to bind answers to the unknowns a question asks for ("\boxed{102} adults and \boxed{25} children").
 */

export const ANSWER_POLICY = 'final-answers@1';

export type AnswerSource = 'boxed' | 'final-answer' | 'hashes' | 'answer-is' | 'bare' | 'math' | 'last-number' | 'none';

export interface FinalAnswer {
  /** The answer as written (LaTeX as in the message: the box's content, or the text after its marker). */
  readonly text: string;
  /** The words of its sentence before it (after the previous answer), at most 80 characters. */
  readonly before: string;
  /** The words of its sentence after it (up to the next answer), at most 80 characters. */
  readonly after: string;
}

export interface FinalAnswers {
  readonly policy: typeof ANSWER_POLICY;
  readonly source: AnswerSource;
  readonly answers: readonly FinalAnswer[];
}

export interface AnswerPolicyOptions {
  /** The last number of a message with no marked answer may be its answer (datasets of plain-number answers). */
  readonly lastNumber?: boolean;
  /** The message is complete (not a generation cut short): unmarked prose may be searched (rule 6). Default true. */
  readonly prose?: boolean;
}

/** Datasets whose answers are plain numbers, so that the last number of an unmarked message may be its answer. */
const NUMBER_ANSWER_DATASETS = new Set(['gsm8k', 'svamp', 'asdiv', 'mawps', 'gsm-hard', 'simuleq']);

export function lastNumberAllowed(dataset: string | null | undefined): boolean {
  return dataset !== null && dataset !== undefined && NUMBER_ANSWER_DATASETS.has(dataset);
}

export interface Span {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

const CONTEXT_CHARS = 80;
/** Tokens of chat templates that end a message when a model runs on past it. */
const END_OF_MESSAGE = /<\|im_start\|>|<\|im_end\|>|<\|endoftext\|>|<\|endofmessage\|>|<\/s>/;

/** The index just after the `}` closing the `{` at `open`, or -1. */
export function closingBrace(text: string, open: number): number {
  let depth = 0;
  for (let index = open; index < text.length; index += 1) {
    const character = text[index];
    if (character === '\\') {
      index += 1;
      continue;
    }
    if (character === '{') depth += 1;
    else if (character === '}') {
      depth -= 1;
      if (depth === 0) return index + 1;
    }
  }
  return -1;
}

/** Every `\boxed{…}` / `\fbox{…}` (and `\boxed 5`) with its content. */
export function boxedSpans(text: string): Span[] {
  const spans: Span[] = [];
  const pattern = /\\(?:boxed|fbox)(?![a-zA-Z])/g;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    let index = match.index + match[0].length;
    while (text[index] === ' ') index += 1;
    if (text[index] === '{') {
      const end = closingBrace(text, index);
      if (end === -1) continue;
      spans.push({ start: match.index, end, text: text.slice(index + 1, end - 1) });
      pattern.lastIndex = end;
    } else {
      const word = /^[^\s$]+/.exec(text.slice(index))?.[0];
      if (word) spans.push({ start: match.index, end: index + word.length, text: word });
    }
  }
  return spans;
}

/** Where the sentence that begins at `start` ends: at a blank line, or `.`/`!`/`?` + space outside math. */
function sentenceEnd(text: string, start: number): number {
  let math: string | null = null;
  let depth = 0;
  for (let index = start; index < text.length; index += 1) {
    const character = text[index]!;
    if (character === '\\') {
      if (math === null && (text.startsWith('\\(', index) || text.startsWith('\\[', index))) math = text[index + 1] === '(' ? '\\)' : '\\]';
      else if (math !== null && text.startsWith(math, index)) {
        math = null;
        // Math closed and a new sentence begins ("… = 6$ So, the pair is …").
        if (/^\s+[A-Z]/.test(text.slice(index + 2)) && depth === 0) return index + 2;
      }
      index += 1;
      continue;
    }
    if (character === '$') {
      const delimiter = text.startsWith('$$', index) ? '$$' : '$';
      if (math === null) math = delimiter;
      else if (math === delimiter) {
        math = null;
        if (/^\s+[A-Z]/.test(text.slice(index + delimiter.length)) && depth === 0) return index + delimiter.length;
      }
      index += delimiter.length - 1;
      continue;
    }
    if (character === '{') depth += 1;
    else if (character === '}') depth = Math.max(0, depth - 1);
    if (math !== null || depth > 0) continue;
    if (character === '\n' && text[index + 1] === '\n') return index;
    if ('.!?'.includes(character)) {
      const next = text[index + 1];
      const decimal = character === '.' && /\d/.test(text[index - 1] ?? '') && /\d/.test(next ?? '');
      if (!decimal && (next === undefined || /\s/.test(next))) return index;
    }
  }
  return text.length;
}

/** The start of the sentence holding `position`. */
function sentenceStart(text: string, position: number): number {
  let start = 0;
  while (start < position) {
    const end = sentenceEnd(text, start);
    if (end >= position) return start;
    start = end + 1;
  }
  return start;
}

const clip = (text: string, fromEnd: boolean) => {
  const trimmed = text.replace(/\s+/g, ' ').trim();
  return trimmed.length <= CONTEXT_CHARS ? trimmed : fromEnd ? trimmed.slice(-CONTEXT_CHARS) : trimmed.slice(0, CONTEXT_CHARS);
};

function withContext(text: string, spans: readonly Span[]): FinalAnswer[] {
  return spans.map((span, index) => {
    const sentenceFrom = sentenceStart(text, span.start);
    const from = Math.max(sentenceFrom, index > 0 ? spans[index - 1]!.end : 0);
    const until = Math.min(sentenceEnd(text, span.end), index + 1 < spans.length ? spans[index + 1]!.start : text.length);
    return { text: span.text.trim(), before: clip(text.slice(from, span.start), true), after: clip(text.slice(span.end, Math.max(span.end, until)), false) };
  });
}

const MATH_CLOSE: Record<string, string> = { '$$': '$$', $: '$', '\\(': '\\)', '\\[': '\\]' };

/** Inline and display math spans (`$…$`, `$$…$$`, `\(…\)`, `\[…\]`) with their contents. */
export function mathSpans(text: string): Span[] {
  const spans: Span[] = [];
  const opener = /\$\$|\$|\\\(|\\\[/g;
  for (let match = opener.exec(text); match !== null; match = opener.exec(text)) {
    if (match[0] === '$' && text[match.index - 1] === '\\') continue;
    const close = MATH_CLOSE[match[0]]!;
    let end = text.indexOf(close, match.index + match[0].length);
    while (end !== -1 && close === '$' && text[end - 1] === '\\') end = text.indexOf(close, end + 1);
    if (end === -1) break;
    spans.push({ start: match.index, end: end + close.length, text: text.slice(match.index + match[0].length, end) });
    opener.lastIndex = end + close.length;
  }
  return spans;
}

/** A span and the spans before it joined to it by "and", "or", "," (or nothing): "$x=1$ and $x=2$". */
function joinedGroup(text: string, spans: readonly Span[]): Span[] {
  const group = [spans[spans.length - 1]!];
  for (let index = spans.length - 2; index >= 0; index -= 1) {
    const between = text.slice(spans[index]!.end, group[0]!.start);
    if (!/^\s*(?:,|,?\s*and|,?\s*or|\\quad|\\text\{\s*(?:and|or)\s*\})?\s*$/i.test(between)) break;
    group.unshift(spans[index]!);
  }
  return group;
}

const NUMBER = /(?<![A-Za-z\d.,])-?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+,\d{1,2}(?![\d,])|\d+(?:\.\d+)?)(?:\s*\/\s*\d+)?%?|-?\.\d+/g;

/** Words (two letters or more) outside math, `\\text{}` and LaTeX commands: "Answer $9$", "Soucis : 2,74". */
function wordsOutsideMath(text: string): boolean {
  return /[A-Za-z]{2,}/.test(text.replace(/\$\$[\s\S]*?\$\$|\$[^$]*\$|\\\([\s\S]*?\\\)|\\\[[\s\S]*?\\\]/g, ' ').replace(/\\text\{[^{}]*\}/g, ' ').replace(/\\[a-zA-Z]+/g, ' '));
}

/** Prose: three or more words in a row (LaTeX commands and math left out). */
export function isProse(text: string): boolean {
  const words = text
    .replace(/\\text\{[^{}]*\}/g, ' ')
    .replace(/\$[^$]*\$|\\\([\s\S]*?\\\)|\\\[[\s\S]*?\\\]/g, ' 0 ')
    .replace(/\\[a-zA-Z]+/g, ' 0 ');
  return /[A-Za-z]{2,}[,;:]?\s+[A-Za-z]{2,}[,;:]?\s+[A-Za-z]{2,}/.test(words);
}

/** An answer sentence in words ("Jane started growing Sphere 3 hours ago") gives its one math span or number. */
function answerOfSentence(sentence: string, start: number, text: string): Span | null {
  const trimmed = sentence.trim().replace(/^(?:\\?["“])+|(?:\\?["”])+$/g, '').replace(/[.\s]+$/, '').replace(/(?:\\?["”])+$/, '');
  // Empty after the marker, or only an empty box ("the answer is: \boxed{}").
  if (trimmed === '' || /\\(?:boxed|fbox)/.test(trimmed)) return null;
  const offset = start + sentence.indexOf(trimmed);
  if (!isProse(trimmed)) return { start: offset, end: offset + trimmed.length, text: trimmed };
  const math = mathSpans(trimmed);
  if (math.length > 0) {
    const group = joinedGroup(trimmed, math);
    return { start: offset + group[0]!.start, end: offset + group[group.length - 1]!.end, text: text.slice(offset + group[0]!.start, offset + group[group.length - 1]!.end) };
  }
  const numbers = [...trimmed.matchAll(NUMBER)];
  if (numbers.length !== 1) return null;
  const number = numbers[0]!;
  return { start: offset + number.index, end: offset + number.index + number[0].length, text: number[0] };
}

/** "Final Answer: The final answer is X. I hope it is correct." or "Final Answer: The largest $n$ is 34." */
function finalAnswerMarker(text: string): Span | null {
  const markers = [...text.matchAll(/final answer\b[\s*:]*/gi)];
  for (let index = markers.length - 1; index >= 0; index -= 1) {
    const marker = markers[index]!;
    const from = marker.index + marker[0].length;
    const until = sentenceEnd(text, from);
    const sentence = text.slice(from, until);
    const is = /\b(?:is|are)\s*:?\s*/i.exec(sentence);
    const answer = is ? answerOfSentence(sentence.slice(is.index + is[0].length), from + is.index + is[0].length, text) : answerOfSentence(sentence, from, text);
    if (answer) return { ...answer, start: marker.index };
  }
  return null;
}

function hashesMarker(text: string): Span | null {
  const index = text.lastIndexOf('####');
  if (index === -1) return null;
  const line = /^####\s*([^\n]*)/.exec(text.slice(index))!;
  const answer = line[1]!.trim();
  return answer === '' ? null : { start: index, end: index + line[0].length, text: answer };
}

function answerIsMarker(text: string): Span | null {
  const markers = [...text.matchAll(/\banswers?\s*(?:is|are|=|:|(?=\$|\\\(|\\\[))\s*:?\s*/gi)];
  for (let index = markers.length - 1; index >= 0; index -= 1) {
    const marker = markers[index]!;
    const from = marker.index + marker[0].length;
    const answer = answerOfSentence(text.slice(from, sentenceEnd(text, from)), from, text);
    if (answer) return answer;
  }
  return null;
}

/** Boxes followed by "is"/"are" with a box after them name what is compared, not the answer. */
function withoutSubjectBoxes(text: string, spans: readonly Span[]): Span[] {
  return spans.filter((span, index) => {
    if (index === spans.length - 1) return true;
    let after = text.slice(span.end);
    // Skip the rest of a list of boxes ("\boxed{a}, \boxed{b} is …").
    for (const later of spans.slice(index + 1)) {
      const gap = text.slice(span.end, later.start);
      if (later.start < span.end || !/^[\s,$)\\(]*(?:and\s*)?[\s,$\\(]*$/.test(gap)) break;
      after = text.slice(later.end);
    }
    return !/^\s*(?:\\\)|\$)?\s*(?:is|are)\b/.test(after);
  });
}

function dedupe(spans: readonly Span[]): Span[] {
  const seen = new Set<string>();
  return spans.filter((span) => {
    const key = span.text.replace(/\s+/g, '');
    if (key === '' || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const result = (source: AnswerSource, text: string, spans: readonly Span[]): FinalAnswers => ({ policy: ANSWER_POLICY, source, answers: withContext(text, spans) });

/** The final answers of a model's last message (or of a reference answer) under `final-answers@1`. */
export function finalAnswers(message: string, options: AnswerPolicyOptions = {}): FinalAnswers {
  let text = message;
  const thinkEnd = text.lastIndexOf('</think>');
  if (thinkEnd !== -1 && /\\boxed|\\fbox|final answer|answer is|####/i.test(text.slice(thinkEnd))) text = text.slice(thinkEnd + '</think>'.length);
  const stop = END_OF_MESSAGE.exec(text);
  if (stop) text = text.slice(0, stop.index);

  const boxes = /\\(?:boxed|fbox)/.test(text) ? dedupe(withoutSubjectBoxes(text, boxedSpans(text).filter((span) => span.text.trim() !== ''))) : [];
  const finalAnswer = /final answer/i.test(text) ? finalAnswerMarker(text) : null;
  const hashes = hashesMarker(text);
  const lastBox = boxes.length > 0 ? boxes[boxes.length - 1]!.end : -1;
  const later = [finalAnswer && { source: 'final-answer' as const, span: finalAnswer }, hashes && { source: 'hashes' as const, span: hashes }]
    .filter((marker): marker is { source: 'final-answer' | 'hashes'; span: Span } => Boolean(marker) && marker!.span.start >= lastBox)
    .sort((a, b) => b.span.start - a.span.start)[0];
  if (later) return result(later.source, text, [later.span]);
  if (boxes.length > 0) return result('boxed', text, boxes);
  const answerIs = answerIsMarker(text);
  if (answerIs) return result('answer-is', text, [answerIs]);

  const trimmed = text.trim();
  if (trimmed === '') return result('none', text, []);
  const hasMath = mathSpans(text).some((span) => span.text.trim() !== '');
  const labelled = wordsOutsideMath(trimmed) && (hasMath || options.lastNumber === true);
  if (!isProse(trimmed) && !labelled) {
    // The whole message is the answer: nothing around it to keep.
    return { policy: ANSWER_POLICY, source: 'bare', answers: [{ text: trimmed.replace(/\.$/, '').trim(), before: '', after: '' }] };
  }
  if (options.prose === false) return result('none', text, []);
  const prose = proseAnswers(text, options.lastNumber === true);
  return prose ? result(prose.source, text, prose.spans) : result('none', text, []);
}

/** A math span that only names something (`x`, `(x, y)`, `r_1`): no answer. */
const NAME_SPAN = /^\s*(?:[A-Za-z](?:_\{?\w+\}?)?|\(\s*[A-Za-z](?:\s*,\s*[A-Za-z])+\s*\))\s*$/;

/**
 * An unmarked complete message: the last sentence that holds a value gives its math spans (names left out), or,
 * where the dataset's answers are plain numbers, its last number.
 */
function proseAnswers(text: string, lastNumber: boolean): { source: AnswerSource; spans: Span[] } | null {
  // A message in words that stops mid-sentence was cut short: it states no answer.
  if (isProse(text) && /[A-Za-z,:;(=+-]\s*$/.test(text)) return null;
  const sentences: [number, number][] = [];
  const paragraph = text.trimEnd().lastIndexOf('\n\n');
  for (let start = paragraph === -1 ? 0 : paragraph + 2; start < text.length; ) {
    const end = sentenceEnd(text, start);
    sentences.push([start, end]);
    start = end + 1;
  }
  for (let index = sentences.length - 1; index >= 0; index -= 1) {
    const [start, end] = sentences[index]!;
    const sentence = text.slice(start, end);
    const math = mathSpans(sentence).filter((span) => span.text.trim() !== '' && !NAME_SPAN.test(span.text));
    if (math.length > 0) return { source: 'math', spans: math.map((span) => ({ ...span, start: start + span.start, end: start + span.end })) };
    if (!lastNumber) continue;
    const plain = sentence.replace(/^\s*\d+\.\s/gm, (line) => ' '.repeat(line.length)).replace(/\$[^$]*\$|\\\([\s\S]*?\\\)|\\\[[\s\S]*?\\\]/g, (span) => ' '.repeat(span.length));
    const numbers = [...plain.matchAll(NUMBER)];
    const last = numbers[numbers.length - 1];
    if (last) return { source: 'last-number', spans: [{ start: start + last.index, end: start + last.index + last[0].length, text: last[0] }] };
  }
  return null;
}

/** The answers' texts. */
export function answerTexts(message: string, options: AnswerPolicyOptions = {}): string[] {
  return finalAnswers(message, options).answers.map((answer) => answer.text);
}

/** Several answers shown as one line. */
export function displayAnswers(answers: readonly string[]): string {
  return answers.join('; ');
}

/**
 * The last message of a published trajectory (`debug_result`: `{role, content}` entries): the last entry, except
 * that the published runs append the stored `completion` as one more text entry after the model's own final
 * text. `complete`: the model finished with a text (the runs appended the completion after it).
 */
export function publishedLastMessage(entries: readonly { readonly role: string; readonly content: string }[], completion: string): { text: string; complete: boolean } {
  let last = entries.length - 1;
  const repeated = last >= 1 && entries[last]!.role === 'text' && entries[last]!.content === completion && entries[last - 1]!.role === 'text';
  if (repeated) last -= 1;
  const entry = entries[last];
  if (!entry) return { text: '', complete: false };
  return { text: entry.content, complete: repeated };
}

/**
 * The last message of a solved trajectory: the last text block when the model finished, else the last block
 * (a generation cut short, or an execution the run stopped on), marked incomplete.
 */
export function trajectoryLastMessage(blocks: readonly { readonly type: string; readonly content: string }[], finished: boolean): { text: string; complete: boolean } {
  if (finished) {
    const last = [...blocks].reverse().find((block) => block.type === 'text');
    if (last) return { text: last.content, complete: true };
  }
  return { text: blocks[blocks.length - 1]?.content ?? '', complete: false };
}
