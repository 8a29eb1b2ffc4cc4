/**
 * The shape of a cleaned answer: a multiple-choice letter, a number in a base (`4343_6`), an ordered sequence
 * or interval (`(1,2)`, `[0,5)`), an unordered collection (`\{1,2\}`, `1, 2`, `1 \pm \sqrt 3`), a union of
 * intervals, a matrix, an equation, or a single expression.
 */
export type AnswerStructure =
  | { readonly kind: 'choice'; readonly letter: string }
  | { readonly kind: 'based'; readonly digits: string; readonly base: string }
  | { readonly kind: 'sequence'; readonly open: string; readonly close: string; readonly items: readonly AnswerStructure[] }
  | { readonly kind: 'collection'; readonly items: readonly AnswerStructure[] }
  | { readonly kind: 'union'; readonly parts: readonly AnswerStructure[] }
  | { readonly kind: 'matrix'; readonly rows: readonly (readonly AnswerStructure[])[] }
  | { readonly kind: 'equation'; readonly left: string; readonly right: string }
  | { readonly kind: 'expression'; readonly text: string };

const OPEN = new Set(['(', '[', '{']);
const CLOSE = new Set([')', ']', '}']);

/** Splits at `separator` where no bracket is open. */
export function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index]!;
    if (OPEN.has(character)) depth += 1;
    else if (CLOSE.has(character)) depth -= 1;
    else if (depth === 0 && text.startsWith(separator, index)) {
      parts.push(text.slice(start, index));
      start = index + separator.length;
      index += separator.length - 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** Whether the bracket opened at 0 closes at the last character (and not before). */
function wrapped(text: string): boolean {
  if (text.length < 2 || !'(['.includes(text[0]!) || !')]'.includes(text[text.length - 1]!)) return false;
  let depth = 0;
  for (let index = 0; index < text.length; index += 1) {
    if (OPEN.has(text[index]!)) depth += 1;
    else if (CLOSE.has(text[index]!)) depth -= 1;
    if (depth === 0 && index < text.length - 1) return false;
  }
  return depth === 0;
}

/** The members of a collection; `a \pm b` inside one counts as its two values. */
function collectionItems(parts: readonly string[]): AnswerStructure[] {
  return parts.flatMap((part) => {
    const structure = answerStructure(part);
    return structure.kind === 'collection' && !part.startsWith('\\{') ? structure.items : [structure];
  });
}

const MATRIX = /^\\begin\{([pbvBV]?matrix|array)\}(?:\{[^}]*\})?(.*)\\end\{\1\}$/s;

export function answerStructure(text: string): AnswerStructure {
  const choice = /^\(?([A-Ea-e])\)$|^([A-E])$/.exec(text);
  if (choice) return { kind: 'choice', letter: (choice[1] ?? choice[2])!.toUpperCase() };
  const based = /^([0-9A-Za-z]+)_\{?(\d+)\}?$/.exec(text);
  if (based) return { kind: 'based', digits: based[1]!.toUpperCase(), base: based[2]! };
  const union = splitTopLevel(text, '\\cup');
  if (union.length > 1) return { kind: 'union', parts: union.map(answerStructure) };
  const matrix = MATRIX.exec(text);
  if (matrix) {
    return { kind: 'matrix', rows: matrix[2]!.split('\\\\').filter((row) => row.trim() !== '').map((row) => row.split('&').map((cell) => answerStructure(cell.trim()))) };
  }
  if (text.startsWith('\\{') && text.endsWith('\\}') && !text.slice(2, -2).includes('\\}')) {
    return { kind: 'collection', items: collectionItems(splitTopLevel(text.slice(2, -2), ',')) };
  }
  if (wrapped(text)) {
    const items = splitTopLevel(text.slice(1, -1), ',');
    if (items.length > 1) return { kind: 'sequence', open: text[0]!, close: text[text.length - 1]!, items: items.map(answerStructure) };
  }
  const items = splitTopLevel(text, ',').filter((item) => item !== '');
  if (items.length > 1) return { kind: 'collection', items: collectionItems(items) };
  if (text.includes('\\pm') || text.includes('\\mp')) {
    const plus = text.replace(/\\pm|\\mp/, '+');
    const minus = text.replace(/\\pm|\\mp/, '-');
    return { kind: 'collection', items: [answerStructure(plus), answerStructure(minus)] };
  }
  const sides = splitTopLevel(text, '=');
  if (sides.length === 2 && sides[0] !== '' && sides[1] !== '') return { kind: 'equation', left: sides[0]!, right: sides[1]! };
  return { kind: 'expression', text };
}

/** `x=3`, `k = 3`: an equation whose left side is one variable, read as its value. */
export function assignedValue(structure: AnswerStructure): AnswerStructure | null {
  if (structure.kind !== 'equation' || !/^(?:[a-zA-Z](?:_\{?\w+\}?)?|\\[a-zA-Z]+)$/.test(structure.left)) return null;
  return answerStructure(structure.right);
}
