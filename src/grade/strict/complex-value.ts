import type { SympyNode } from '../compat/sympy-tree.js';

/**
 * Numeric evaluation of an answer's expression tree over the complex numbers, for the strict grader: `i` is the
 * imaginary unit (as in MATH), `e` and `\pi` are the constants, other symbols take the values given (random
 * points when two expressions with variables are compared). Returns null where the value is undefined
 * (division by zero, an unknown function, a matrix).
 */

export interface Complex {
  readonly re: number;
  readonly im: number;
}

const complex = (re: number, im = 0): Complex => ({ re, im });
const add = (a: Complex, b: Complex) => complex(a.re + b.re, a.im + b.im);
const multiply = (a: Complex, b: Complex) => complex(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re);

function divide(a: Complex, b: Complex): Complex | null {
  const denominator = b.re * b.re + b.im * b.im;
  if (denominator === 0) return null;
  return complex((a.re * b.re + a.im * b.im) / denominator, (a.im * b.re - a.re * b.im) / denominator);
}

const exp = (z: Complex) => complex(Math.exp(z.re) * Math.cos(z.im), Math.exp(z.re) * Math.sin(z.im));

function log(z: Complex): Complex | null {
  const modulus = Math.hypot(z.re, z.im);
  return modulus === 0 ? null : complex(Math.log(modulus), Math.atan2(z.im, z.re));
}

function power(base: Complex, exponent: Complex): Complex | null {
  if (exponent.im === 0 && Number.isInteger(exponent.re) && Math.abs(exponent.re) <= 64) {
    let result = complex(1);
    for (let index = 0; index < Math.abs(exponent.re); index += 1) result = multiply(result, base);
    return exponent.re < 0 ? divide(complex(1), result) : result;
  }
  if (base.re === 0 && base.im === 0) return exponent.re > 0 ? complex(0) : null;
  // A real root of a negative real number (\sqrt[3]{-8} = -2), as a reader of the answer means it.
  if (base.im === 0 && exponent.im === 0 && base.re < 0) {
    const reciprocal = 1 / exponent.re;
    if (Number.isInteger(Math.round(reciprocal)) && Math.abs(reciprocal - Math.round(reciprocal)) < 1e-12 && Math.round(reciprocal) % 2 !== 0) {
      return complex(-Math.pow(-base.re, exponent.re));
    }
  }
  const logarithm = log(base);
  return logarithm === null ? null : exp(multiply(exponent, logarithm));
}

const REAL_FUNCTIONS: Record<string, (x: number) => number> = {
  asin: Math.asin, acos: Math.acos, atan: Math.atan, sinh: Math.sinh, cosh: Math.cosh, tanh: Math.tanh,
  asinh: Math.asinh, acosh: Math.acosh, atanh: Math.atanh, floor: Math.floor, ceiling: Math.ceil,
  sec: (x) => 1 / Math.cos(x), csc: (x) => 1 / Math.sin(x), cot: (x) => 1 / Math.tan(x),
};

function factorial(n: number): number | null {
  if (!Number.isInteger(n) || n < 0 || n > 170) return null;
  let result = 1;
  for (let index = 2; index <= n; index += 1) result *= index;
  return result;
}

function applyFunction(name: string, args: readonly Complex[]): Complex | null {
  const [z] = args;
  if (!z) return null;
  switch (name) {
    case 'sin':
      return complex(Math.sin(z.re) * Math.cosh(z.im), Math.cos(z.re) * Math.sinh(z.im));
    case 'cos':
      return complex(Math.cos(z.re) * Math.cosh(z.im), -Math.sin(z.re) * Math.sinh(z.im));
    case 'tan': {
      const sine = applyFunction('sin', args);
      const cosine = applyFunction('cos', args);
      return sine && cosine ? divide(sine, cosine) : null;
    }
    case 'exp':
      return exp(z);
    case 'log': {
      const value = log(z);
      if (value === null || args.length === 1) return value;
      const base = log(args[1]!);
      return base === null ? null : divide(value, base);
    }
    case 'Abs':
      return complex(Math.hypot(z.re, z.im));
    case 'factorial': {
      const value = z.im === 0 ? factorial(z.re) : null;
      return value === null ? null : complex(value);
    }
    case 'binomial': {
      const [n, k] = args.map((arg) => (arg.im === 0 ? factorial(arg.re) : null));
      const difference = args.length === 2 && args[0]!.im === 0 && args[1]!.im === 0 ? factorial(args[0]!.re - args[1]!.re) : null;
      return n && k && difference ? complex(n / (k * difference)) : null;
    }
    case 'Max':
    case 'Min':
      if (args.some((arg) => arg.im !== 0)) return null;
      return complex((name === 'Max' ? Math.max : Math.min)(...args.map((arg) => arg.re)));
    case 'Mod':
      return args.length === 2 && z.im === 0 && args[1]!.im === 0 && args[1]!.re !== 0 ? complex(((z.re % args[1]!.re) + args[1]!.re) % args[1]!.re) : null;
    default: {
      const real = REAL_FUNCTIONS[name];
      if (!real || z.im !== 0) return null;
      return complex(real(z.re));
    }
  }
}

export type SymbolValues = Readonly<Record<string, Complex>>;

export function complexValue(node: SympyNode, symbols: SymbolValues = {}): Complex | null {
  const evaluate = (child: SympyNode) => complexValue(child, symbols);
  let result: Complex | null;
  switch (node.kind) {
    case 'number':
      result = complex(Number(node.numerator) / Number(node.denominator));
      break;
    case 'symbol':
      result = symbols[node.name] ?? (node.name === 'i' ? complex(0, 1) : null);
      break;
    case 'constant':
      result = node.name === 'pi' ? complex(Math.PI) : node.name === 'E' ? complex(Math.E) : node.name === 'I' ? complex(0, 1) : null;
      break;
    case 'add':
    case 'mul': {
      result = node.kind === 'add' ? complex(0) : complex(1);
      for (const argument of node.args) {
        const value = evaluate(argument);
        if (value === null) return null;
        result = node.kind === 'add' ? add(result, value) : multiply(result, value);
      }
      break;
    }
    case 'pow': {
      const base = evaluate(node.base);
      const exponent = evaluate(node.exponent);
      result = base && exponent ? power(base, exponent) : null;
      break;
    }
    case 'function': {
      const args = node.args.map(evaluate);
      result = args.some((arg) => arg === null) ? null : applyFunction(node.name, args as Complex[]);
      break;
    }
    default:
      return null;
  }
  // Overflow and NaN are no value (2^{2005} is compared by sympy, not as Infinity = Infinity).
  if (result === null || !Number.isFinite(result.re) || !Number.isFinite(result.im)) return null;
  return result;
}

/** The free symbols of an expression (`i` counts as the imaginary unit, not a variable). */
export function freeSymbols(node: SympyNode, into = new Set<string>()): Set<string> {
  switch (node.kind) {
    case 'symbol':
      if (node.name !== 'i') into.add(node.name);
      break;
    case 'add':
    case 'mul':
    case 'function':
      node.args.forEach((argument) => freeSymbols(argument, into));
      break;
    case 'pow':
      freeSymbols(node.base, into);
      freeSymbols(node.exponent, into);
      break;
    case 'relation':
      freeSymbols(node.left, into);
      freeSymbols(node.right, into);
      break;
    case 'matrix':
      node.rows.flat().forEach((cell) => freeSymbols(cell, into));
      break;
    default:
      break;
  }
  return into;
}

/** Relative tolerance 1e-4 (ToRA's math_equal uses the same), with an absolute floor near zero. */
export function closeEnough(a: Complex, b: Complex, relativeTolerance = 1e-4): boolean {
  const difference = Math.hypot(a.re - b.re, a.im - b.im);
  const scale = Math.max(Math.hypot(a.re, a.im), Math.hypot(b.re, b.im));
  return difference <= relativeTolerance * scale || difference <= 1e-9;
}
