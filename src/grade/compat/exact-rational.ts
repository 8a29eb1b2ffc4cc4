import type { SympyNode } from './sympy-tree.js';

/** An exact rational as [numerator, denominator > 0]. */
export type Exact = readonly [bigint, bigint];

/** The exact rational value of a tree of numbers, sums, products and integer powers, or null. */
export function exactRational(node: SympyNode): Exact | null {
  switch (node.kind) {
    case 'number':
      return [node.numerator, node.denominator];
    case 'add':
    case 'mul': {
      let result: Exact = node.kind === 'add' ? [0n, 1n] : [1n, 1n];
      for (const argument of node.args) {
        const value = exactRational(argument);
        if (value === null) return null;
        result = node.kind === 'add' ? [result[0] * value[1] + value[0] * result[1], result[1] * value[1]] : [result[0] * value[0], result[1] * value[1]];
      }
      return result;
    }
    case 'pow': {
      const base = exactRational(node.base);
      const exponent = exactRational(node.exponent);
      if (base === null || exponent === null || exponent[1] !== 1n) return null;
      const n = exponent[0] < 0n ? -exponent[0] : exponent[0];
      if (n > 4_096n) return null;
      const [p, q] = exponent[0] < 0n ? [base[1], base[0]] : base;
      if (q === 0n) return null;
      return q < 0n ? [(-p) ** n, (-q) ** n] : [p ** n, q ** n];
    }
    default:
      return null;
  }
}

/** The exact value of the binary double nearest 1e-2 (0.01000000000000000020816…), which sympy compares against. */
const TOLERANCE: Exact = [5764607523034235n, 576460752303423488n];

/**
 * `abs(a - b) < 1e-2` computed by sympy on exact values: reached by is_equal when the float test said no. For
 * rational-valued trees the difference is exact, so a difference of exactly 1/100 passes (the float 1e-2 is
 * slightly larger than 1/100).
 */
export function sympyCloseExact(a: SympyNode, b: SympyNode): boolean {
  const x = exactRational(a);
  const y = exactRational(b);
  if (x === null || y === null || x[1] === 0n || y[1] === 0n) return false;
  let numerator = x[0] * y[1] - y[0] * x[1];
  let denominator = x[1] * y[1];
  if (numerator < 0n) numerator = -numerator;
  if (denominator < 0n) denominator = -denominator;
  return numerator * TOLERANCE[1] < TOLERANCE[0] * denominator;
}
