/**
 * MathCoder's answer normalisation, ported line by line from mathllm/MathCoder `src/utils.py`
 * (`find_math_answer`, `_strip_string`, `_fix_sqrt`, `_fix_fracs`, `_fix_a_slash_b`, `strip_units`) so that
 * `mathcoder-compat` gives the verdicts the released `src/evaluate.py` gave. Its quirks are kept on purpose:
 * `strip_units` deletes every `^2`/`^3` and unit-like substrings such as `am`, `pm`, `mm` anywhere in the
 * answer; `_fix_fracs` only runs when the answer contains `sqrt`.
 */

/** Python's `s.split(sep)[-1]`. */
function lastPart(text: string, separator: string): string {
  const index = text.lastIndexOf(separator);
  return index === -1 ? text : text.slice(index + separator.length);
}

/** Python's `s.split(sep)[0]`. */
function firstPart(text: string, separator: string): string {
  const index = text.indexOf(separator);
  return index === -1 ? text : text.slice(0, index);
}

function replaceAll(text: string, search: string, replacement: string): string {
  return search === '' ? text : text.split(search).join(replacement);
}

/** The order matters and is the released one, including the missing comma that glues `'kb/h' 'slices'`. */
const UNITS = [
  'cookies', 'screws', 'square', 'degree', 'pints', 'mb/h', 'mb/s', 'kb/hslices', 'oranges', 'persecond', 'ies/hour',
  'eephants/hour', 'liters', 'sq.ft.', 'inches', 'hours', 'feet', 'minutes', 'seconds', 'cents', 'mph', 'meters', 'yearsod',
  'rams', 'centimeters', 'kiorams', 'years', 'weeks', 'miesperhour', 'miles', 'units', 'km', 'mm', 'ms', 'am', 'mbperhour',
  'mg', 'kg', '', 'cm', '€', 'ml', 'pm', 'gb', '',
];
const BRACED_UNITS = ['m', 'p', 'g', 'l', 's', 'ft'];

export function stripUnits(input: string): string {
  let text = input;
  for (const unit of UNITS) {
    text = replaceAll(replaceAll(replaceAll(text, `${unit}^3`, ''), `${unit}^2`, ''), unit, '');
    text = replaceAll(replaceAll(replaceAll(text, '{}^3', ''), '{}^2', ''), '{}', '');
  }
  for (const unit of BRACED_UNITS) {
    text = replaceAll(replaceAll(replaceAll(text, `{${unit}}^3`, ''), `{${unit}}^2`, ''), `{${unit}}`, '');
  }
  return replaceAll(replaceAll(text, 'ft^3', ''), 'ft^2', '');
}

function fixSqrt(text: string): string {
  if (!text.includes('\\sqrt')) return text;
  const [head, ...splits] = text.split('\\sqrt');
  let result = head!;
  for (const split of splits) {
    result += split.length > 0 && split[0] !== '{' ? `\\sqrt{${split[0]}}${split.slice(1)}` : `\\sqrt${split}`;
  }
  return result;
}

function fixFracs(text: string): string {
  const [head, ...substrings] = text.split('\\frac');
  let result = head!;
  for (const substring of substrings) {
    result += '\\frac';
    if (substring.length > 0 && substring[0] === '{') {
      result += substring;
      continue;
    }
    if (substring.length < 2) return text;
    const a = substring[0]!;
    const b = substring[1]!;
    const rest = substring.slice(2);
    result += b !== '{' ? `{${a}}{${b}}${rest}` : `{${a}}${b}${rest}`;
  }
  return result;
}

/** Python's `int(text)`: optional whitespace and sign, digits with single underscores between them. */
function pythonInt(text: string): bigint | null {
  const match = /^\s*([+-]?)(\d(?:_?\d)*)\s*$/.exec(text);
  if (!match) return null;
  const value = BigInt(match[2]!.replace(/_/g, ''));
  return match[1] === '-' ? -value : value;
}

function fixSlash(text: string): string {
  const parts = text.split('/');
  if (parts.length !== 2) return text;
  const a = pythonInt(parts[0]!);
  const b = pythonInt(parts[1]!);
  if (a === null || b === null || text !== `${a}/${b}`) return text;
  return `\\frac{${a}}{${b}}`;
}

export function stripString(input: string): string {
  let text = replaceAll(input, '\n', '');
  text = replaceAll(text, '\\!', '');
  text = replaceAll(text, '\\\\', '\\');
  text = replaceAll(replaceAll(text, 'tfrac', 'frac'), 'dfrac', 'frac');
  text = replaceAll(replaceAll(text, '\\left', ''), '\\right', '');
  text = replaceAll(replaceAll(text, '^{\\circ}', ''), '^\\circ', '');
  text = replaceAll(replaceAll(text, '\\$', ''), '$', '');
  text = firstPart(text, '\\text{ ');
  text = replaceAll(text, '\\%', '');
  text = replaceAll(replaceAll(text, ' .', ' 0.'), '{.', '{0.');
  if (text.length === 0) return text;
  if (text[0] === '.') text = `0${text}`;
  if (text.split('=').length === 2) text = lastPart(text, '=');
  if (text.split('\\approx').length === 2) text = lastPart(text, '\\approx');
  if (text.includes('sqrt')) text = fixSqrt(text);
  text = replaceAll(text, ' ', '');
  if (text.includes('sqrt')) text = fixFracs(text);
  if (text === '0.5') text = '\\frac{1}{2}';
  return fixSlash(text);
}

/**
 * `find_math_answer`: the last `\boxed{…}` (or the text after the last " is "), cleaned and stripped of units.
 * With `splitAfterIs: false` it is the extraction the published runs used to write each trajectory's answer
 * (`completion`): the same code without the " is " cut, which gives the published answer on 96.5% of the 4,900
 * finished published trajectories (a trajectory whose last text ends "... is correct." keeps its \boxed{} answer).
 */
export function findMathAnswer(input: string, options: { readonly splitAfterIs?: boolean } = {}): string {
  const lower = input.toLowerCase();
  let text = options.splitAfterIs === false ? lower : lastPart(lower, ' is ');
  if (text.includes('{}')) text = replaceAll(text, '{}', '');
  // re.findall('oxed{(.*)}', re.S)[-1]: greedy, so from the first "oxed{" to the last "}".
  const start = text.indexOf('oxed{');
  const end = text.lastIndexOf('}');
  let answer = start !== -1 && end >= start + 5 ? text.slice(start + 5, end) : text;
  const close = answer.indexOf('}');
  const open = answer.indexOf('{');
  if (close !== -1 && (open === -1 || close < open)) answer = firstPart(answer, '}');
  answer = lastPart(answer, '=');
  answer = lastPart(answer, '\\approx');
  answer = replaceAll(answer, 'answer:', '');
  answer = replaceAll(answer, '∞', '\\infty');
  answer = replaceAll(replaceAll(replaceAll(answer, '+\\infty', '\\infty'), '\\\\', '\\'), '\n', '');
  answer = replaceAll(replaceAll(replaceAll(answer, '\\text', ''), '\\mbox', ''), 'bmatrix', 'pmatrix');
  answer = lastPart(lastPart(firstPart(firstPart(answer, '\\)'), '\\]'), '\\('), '\\[');
  answer = replaceAll(answer, '..</s>', '');
  return stripUnits(stripString(answer));
}

const CHOICES = ['A', 'B', 'C', 'D'];

/**
 * evaluate.py's treatment of a model answer before `find_math_answer`: a boxed (or "Answer: X ") choice letter
 * becomes the letter; for GSM8K every ASCII letter is deleted afterwards.
 */
export function compatModelAnswer(completion: string, options: { readonly gsm8k?: boolean } = {}): string {
  let answer = completion;
  for (const choice of CHOICES) {
    if (
      answer.includes(`oxed{${choice} `) ||
      answer.includes(`oxed{${choice}. `) ||
      answer.includes(`oxed{${choice}}`) ||
      answer.includes(`Answer: ${choice} `)
    ) {
      answer = choice;
    }
  }
  answer = findMathAnswer(answer);
  return options.gsm8k ? answer.replace(/[a-zA-Z]/g, '') : answer;
}
