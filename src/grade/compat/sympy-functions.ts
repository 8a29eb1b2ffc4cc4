import { isNumber, rational, type SympyNode } from './sympy-tree.js';

/** The sympy functions latex2sympy2 calls that evaluate on their own (exp, binomial, gcd/lcm), and powers of a function. */

export function applyPower(node: SympyNode, power: SympyNode | null): SympyNode {
  return power === null ? node : { kind: 'pow', base: node, exponent: power };
}

/** sympy.exp evaluates exp(0) to 1 and exp(1) to E. */
export function exponential(argument: SympyNode): SympyNode {
  if (isNumber(argument) && argument.denominator === 1n) {
    if (argument.numerator === 0n) return rational(1n);
    if (argument.numerator === 1n) return { kind: 'constant', name: 'E' };
  }
  return { kind: 'function', name: 'exp', args: [argument] };
}

/** sympy.binomial evaluates for integer arguments. */
export function binomial(upper: SympyNode, lower: SympyNode): SympyNode {
  if (isNumber(upper) && isNumber(lower) && upper.denominator === 1n && lower.denominator === 1n && lower.numerator >= 0n && lower.numerator <= 10_000n) {
    let result = 1n;
    for (let index = 0n; index < lower.numerator; index += 1n) result = (result * (upper.numerator - index)) / (index + 1n);
    return rational(result);
  }
  return { kind: 'function', name: 'binomial', args: [upper, lower] };
}

export function gcdOrLcm(name: 'gcd' | 'lcm', args: readonly SympyNode[]): SympyNode {
  const integers = args.map((argument) => (isNumber(argument) && argument.denominator === 1n ? argument.numerator : null));
  if (integers.some((value) => value === null)) return { kind: 'opaque', text: `${name}(${JSON.stringify(args)})` };
  const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? (a < 0n ? -a : a) : gcd(b, a % b));
  const result = (integers as bigint[]).reduce((accumulated, value) => {
    if (name === 'gcd') return gcd(accumulated, value);
    const divisor = gcd(accumulated, value);
    return divisor === 0n ? 0n : (accumulated * value < 0n ? -(accumulated * value) : accumulated * value) / divisor;
  });
  return rational(result);
}
