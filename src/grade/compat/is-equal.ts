import { latexToSympy } from './latex-to-sympy.js';
import { sympyCloseExact } from './exact-rational.js';
import { pythonClose, pythonEval, pythonString, type PythonScope } from './python-eval.js';
import { structurallyEqual, type SympyNode, type SympyValue } from './sympy-tree.js';

/**
 * MathCoder's `is_equal(gt, answer)` and `eval_tuple` (mathllm/MathCoder `src/utils.py`): equal text after
 * lower-casing and removing spaces; equal text after evaluating the parts of a `(…)`/`[…]` tuple; equal
 * latex2sympy trees; or `abs(eval(str(a)) - eval(str(b))) < 1e-2`. Every failure along the way means "not
 * equal", as the released code's bare `except: pass` does.
 */

export type CompatMatch = 'text' | 'tuple' | 'structure' | 'numeric';

export function evalTuple(text: string): string {
  const parts = text.slice(1, -1).split(',');
  const open = text[0];
  const close = text[text.length - 1];
  if (parts.length <= 1 || !((open === '(' && close === ')') || (open === '[' && close === ']'))) return text;
  try {
    const values = parts.map((part) => {
      if (part.includes('infty') || part === 'a' || part === '-a') return part;
      const value = latexToSympy(part);
      if (Array.isArray(value)) throw new Error('a list inside a tuple');
      return pythonString(pythonEval(value as Exclude<SympyValue, readonly unknown[]>));
    });
    return `${open}${values.join(',')}${close}`;
  } catch {
    return text;
  }
}

/** How `is_equal` found the two answers equal, or null when it did not. */
export function compatMatch(reference: string, answer: string): CompatMatch | null {
  let a = reference.toLowerCase().replace(/ /g, '');
  let b = answer.toLowerCase().replace(/ /g, '');
  if (a === '' || b === '') return null;
  if (a === b) return 'text';
  a = evalTuple(a);
  b = evalTuple(b);
  if (a === b) return 'tuple';
  let left: SympyValue;
  let right: SympyValue;
  try {
    left = latexToSympy(a);
    right = latexToSympy(b);
  } catch {
    return null;
  }
  if (structurallyEqual(left, right)) return 'structure';
  if (Array.isArray(left) || Array.isArray(right)) return null;
  const leftNode = left as SympyNode;
  const rightNode = right as SympyNode;
  // is_equal names the parsed model answer `a` and the parsed reference `b`, and `eval` sees those locals: an
  // answer printed as `b` evaluates to the reference itself.
  const scope: PythonScope = {
    a: () => pythonEval(rightNode, { b: () => pythonEval(leftNode) }),
    b: () => pythonEval(leftNode, { a: () => pythonEval(rightNode) }),
  };
  try {
    // `abs(eval(str(a)) - eval(str(b))) < 1e-2`; only when that runs without raising does `abs(a - b) < 1e-2` follow.
    if (pythonClose(pythonEval(rightNode, scope), pythonEval(leftNode, scope), 1e-2)) return 'numeric';
  } catch {
    return null;
  }
  return sympyCloseExact(leftNode, rightNode) ? 'numeric' : null;
}
