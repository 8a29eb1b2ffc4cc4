import { rational } from '../../compat/sympy-tree.js';

/** Exact rational numbers (BigInt numerator, positive denominator, reduced) for reading questions' definitions. */

export interface Rational {
  readonly n: bigint;
  readonly d: bigint;
}

export function rationalOf(n: bigint, d = 1n): Rational {
  if (d === 0n) throw new RangeError('division by zero');
  const reduced = rational(n, d) as { numerator: bigint; denominator: bigint };
  return { n: reduced.numerator, d: reduced.denominator };
}

/** `12`, `-0.25`, `3.` as an exact rational. */
export function parseDecimal(text: string): Rational {
  const [whole = '0', fraction = ''] = text.split('.');
  return rationalOf(BigInt(`${whole || '0'}${fraction}`), 10n ** BigInt(fraction.length));
}

export const ZERO = rationalOf(0n);
export const ONE = rationalOf(1n);
export const add = (a: Rational, b: Rational) => rationalOf(a.n * b.d + b.n * a.d, a.d * b.d);
export const subtract = (a: Rational, b: Rational) => rationalOf(a.n * b.d - b.n * a.d, a.d * b.d);
export const multiply = (a: Rational, b: Rational) => rationalOf(a.n * b.n, a.d * b.d);
export const divide = (a: Rational, b: Rational) => rationalOf(a.n * b.d, a.d * b.n);
export const isZero = (a: Rational) => a.n === 0n;

export function power(base: Rational, exponent: Rational): Rational {
  if (exponent.d !== 1n || exponent.n > 64n || exponent.n < -64n) throw new RangeError('exponent out of range');
  const k = exponent.n < 0n ? -exponent.n : exponent.n;
  const value = rationalOf(base.n ** k, base.d ** k);
  return exponent.n < 0n ? divide(ONE, value) : value;
}

export const toNumber = (a: Rational) => Number(a.n) / Number(a.d);

/** As the Mathematics set writes numbers: `5`, `-0.5`, `1/3` (a fraction when it is not a short decimal). */
export function rationalText(a: Rational): string {
  if (a.d === 1n) return a.n.toString();
  let d = a.d;
  while (d % 2n === 0n) d /= 2n;
  while (d % 5n === 0n) d /= 5n;
  return d === 1n ? String(toNumber(a)) : `${a.n}/${a.d}`;
}
