import { splitTopLevel } from './answer-structure.js';

/**
 * Answers that bind values to names (on cleaned-up text): `x=1/3`, `a=-1,w=-5`, `(p,q)=(3,2)`, `n=1,2,3` (one
 * name, several values), `x=5+5+1=7=11` (a chain: the last side), `p=5,q=2;p=7,q=2` (groups: several
 * solutions). A name is what a reader takes for one: letters, subscripts, primes, a function value (`f(2)`), a
 * ratio of names (`\frac{NO}{BO}`, `S_{MBCN}:S`).
 */

export interface Binding {
  readonly name: string;
  /** The bound value (the last side of a chain; several values joined by commas). */
  readonly value: string;
}

const RELATION = /<|>|\\le|\\ge|\\ne|\\lt|\\gt|≤|≥|≠|\\in\b/;

/** Whether the left side of `=` names something (rather than being an expression with numbers). */
export function isName(text: string): boolean {
  const stripped = text
    .replace(/\\(?:arc)?(?:sin|cos|tan|cot|sec|csc)h?(?![a-z])|\\log(?![a-z])|\\ln(?![a-z])|\\mathbf|\\vec|\\overline/g, '')
    .replace(/\\frac\{([^{}]*)\}\{([^{}]*)\}/g, '$1/$2')
    .replace(/\|([^|]*)\|/g, '$1')
    .replace(/_\{[^{}]*\}|_[A-Za-z0-9]/g, '')
    .replace(/([A-Za-z'])\([^()]*\)/g, '$1')
    .replace(/'/g, '')
    .replace(/\\(?:alpha|beta|gamma|delta|theta|lambda|mu|phi|psi|omega|sigma|tau|rho|epsilon|varphi|xi|eta|zeta|kappa|nu|chi|pi)\b/g, 'a');
  return /^[A-Za-z][A-Za-z:/]*$/.test(stripped);
}

function tupleNames(text: string): string[] | null {
  if (!text.startsWith('(') || !text.endsWith(')')) return null;
  const names = splitTopLevel(text.slice(1, -1), ',');
  return names.length > 1 && names.every(isName) ? names : null;
}

/** The groups of bindings in a cleaned-up answer, or null when it is not (only) bindings. */
export function bindingGroups(text: string): Binding[][] | null {
  if (!text.includes('=') || RELATION.test(text)) return null;
  // `(h=7,b=-4)`: bindings in parentheses.
  if (/^\(.*\)$/.test(text) && splitTopLevel(text, '=').length === 1) return bindingGroups(text.slice(1, -1));
  const groups: Binding[][] = [];
  for (const group of splitTopLevel(text, ';')) {
    const sides = splitTopLevel(group, '=');
    const names = sides.length === 2 ? tupleNames(sides[0]!) : null;
    if (names) {
      // `(x,y)=(5,8)`, or several solutions `(x,y)=(5,8),(8,5)`.
      const tuples = splitTopLevel(sides[1]!, ',');
      const solutions = tuples.every((tuple) => tuple.startsWith('(') && tuple.endsWith(')')) ? tuples : [sides[1]!];
      for (const solution of solutions) {
        const values = solution.startsWith('(') && solution.endsWith(')') ? splitTopLevel(solution.slice(1, -1), ',') : [];
        if (values.length !== names.length) return null;
        groups.push(names.map((name, index) => ({ name, value: values[index]! })));
      }
      continue;
    }
    const bindings: { name: string; values: string[] }[] = [];
    for (const item of splitTopLevel(group, ',')) {
      if (item === '') continue;
      const itemSides = splitTopLevel(item, '=');
      if (itemSides.length >= 2 && isName(itemSides[0]!) && itemSides.every((side) => side !== '')) {
        bindings.push({ name: itemSides[0]!, values: [itemSides[itemSides.length - 1]!] });
      } else if (itemSides.length === 1 && bindings.length > 0) {
        bindings[bindings.length - 1]!.values.push(item);
      } else {
        return null;
      }
    }
    if (bindings.length === 0) return null;
    // A name bound more than once (`x=1/2, x=3`): each binding is one solution.
    const bound = bindings.map((binding) => binding.name);
    const solutions = new Set(bound).size < bound.length ? bindings.map((binding) => [binding]) : [bindings];
    for (const solution of solutions) groups.push(solution.map((binding) => ({ name: binding.name, value: binding.values.join(',') })));
  }
  return groups;
}

/** `5+5+1=11`, `0.04\cdot10000=400`: a computation with no names, read as its last side. */
export function computedValue(text: string): string | null {
  if (RELATION.test(text)) return null;
  const sides = splitTopLevel(text, '=');
  if (sides.length < 2 || sides.some((side) => side === '')) return null;
  return sides.slice(0, -1).every((side) => !/[a-zA-Z]/.test(side.replace(/\\(?:frac|cdot|times|div|sqrt|pi)/g, ''))) ? sides[sides.length - 1]! : null;
}
