import { isNumber, type SympyNode } from './sympy-tree.js';

/**
 * What Python computes for `eval(str(expr))` in MathCoder's `utils.py` (which does `from math import *`):
 * sympy prints the tree, Python evaluates the text with `math`'s functions. Integers stay exact and apart from
 * floats (`/` and `math.sqrt` give floats), because `eval_tuple` compares the printed values as text. Anything
 * Python would raise on (an unknown name such as a symbol, `oo`, `E`, `Abs`, `Max`; division by zero; a
 * domain error; a complex result) throws PythonEvalError.
 */

export type PythonValue =
  | { readonly type: 'int'; readonly value: bigint }
  | { readonly type: 'float'; readonly value: number }
  | { readonly type: 'bool'; readonly value: boolean };

export class PythonEvalError extends Error {}

/** Local variables visible to `eval` (is_equal's `a` and `b`), resolved on use. */
export type PythonScope = Readonly<Record<string, () => PythonValue>>;

const NAMES: Record<string, number> = { pi: Math.PI, e: Math.E, tau: 2 * Math.PI, inf: Infinity, nan: NaN };
const MATH_FUNCTIONS: Record<string, (x: number) => number> = {
  sin: Math.sin, cos: Math.cos, tan: Math.tan, asin: Math.asin, acos: Math.acos, atan: Math.atan,
  sinh: Math.sinh, cosh: Math.cosh, tanh: Math.tanh, asinh: Math.asinh, acosh: Math.acosh, atanh: Math.atanh,
  exp: Math.exp, sqrt: Math.sqrt,
};
/** Integer results past this many bits are treated as failures rather than computed. */
const MAX_INTEGER_BITS = 100_000n;

const fail = (message: string): never => {
  throw new PythonEvalError(message);
};

function integer(value: bigint): PythonValue {
  return { type: 'int', value };
}

function float(value: number): PythonValue {
  if (Number.isNaN(value)) fail('math domain error');
  return { type: 'float', value };
}

export function toFloat(value: PythonValue): number {
  if (value.type === 'float') return value.value;
  if (value.type === 'bool') return value.value ? 1 : 0;
  const result = Number(value.value);
  if (!Number.isFinite(result)) fail('int too large to convert to float');
  return result;
}

function asInteger(value: PythonValue): bigint | null {
  if (value.type === 'int') return value.value;
  if (value.type === 'bool') return value.value ? 1n : 0n;
  return null;
}

function add(a: PythonValue, b: PythonValue): PythonValue {
  const x = asInteger(a);
  const y = asInteger(b);
  return x !== null && y !== null ? integer(x + y) : float(toFloat(a) + toFloat(b));
}

function multiply(a: PythonValue, b: PythonValue): PythonValue {
  const x = asInteger(a);
  const y = asInteger(b);
  return x !== null && y !== null ? integer(x * y) : float(toFloat(a) * toFloat(b));
}

export function subtract(a: PythonValue, b: PythonValue): PythonValue {
  return add(a, multiply(b, integer(-1n)));
}

function divide(a: PythonValue, b: PythonValue): PythonValue {
  const x = asInteger(a);
  const y = asInteger(b);
  if ((y !== null && y === 0n) || toFloat(b) === 0) fail('division by zero');
  if (x !== null && y !== null) return float(Number(x) / Number(y));
  return float(toFloat(a) / toFloat(b));
}

function power(base: PythonValue, exponent: PythonValue): PythonValue {
  const x = asInteger(base);
  const n = asInteger(exponent);
  if (x !== null && n !== null) {
    if (n >= 0n) {
      const bits = BigInt(x.toString(2).length) * n;
      if (x !== 0n && x !== 1n && x !== -1n && bits > MAX_INTEGER_BITS) fail('integer power too large');
      return integer(x ** n);
    }
    if (x === 0n) fail('0.0 cannot be raised to a negative power');
    return float(Number(x) ** Number(n));
  }
  const b = toFloat(base);
  const e = toFloat(exponent);
  if (b === 0 && e < 0) fail('0.0 cannot be raised to a negative power');
  if (b < 0 && !Number.isInteger(e)) fail('complex result');
  const result = b ** e;
  if (!Number.isFinite(result) && Number.isFinite(b) && Number.isFinite(e)) fail('numerical result out of range');
  return float(result);
}

function squareRoot(value: PythonValue): PythonValue {
  const x = toFloat(value);
  if (x < 0) fail('math domain error');
  return float(Math.sqrt(x));
}

/** A factor sympy prints in the denominator (`x**-1`, `x**-2`, `x**(-1/2)`), as the positive power, or null. */
function denominatorOf(node: SympyNode): SympyNode | null {
  if (node.kind !== 'pow' || !isNumber(node.exponent) || node.exponent.numerator >= 0n) return null;
  const { numerator, denominator } = node.exponent;
  if (numerator === -1n && denominator === 1n) return node.base;
  return { kind: 'pow', base: node.base, exponent: { kind: 'number', numerator: -numerator, denominator } };
}

function evaluatePower(base: SympyNode, exponent: SympyNode, scope: PythonScope): PythonValue {
  if (isNumber(exponent)) {
    const { numerator, denominator } = exponent;
    if (numerator === 1n && denominator === 2n) return squareRoot(pythonEval(base, scope));
    if (numerator < 0n) return divide(integer(1n), evaluatePower(base, { kind: 'number', numerator: -numerator, denominator }, scope));
  }
  return power(pythonEval(base, scope), pythonEval(exponent, scope));
}

function evaluateFunction(name: string, args: readonly PythonValue[]): PythonValue {
  const [x] = args;
  if (args.length === 1 && x && MATH_FUNCTIONS[name]) {
    const result = MATH_FUNCTIONS[name](toFloat(x));
    if (!Number.isFinite(result)) fail('math range error');
    return float(result);
  }
  if (name === 'log' && x) {
    const argument = toFloat(x);
    if (argument <= 0) fail('math domain error');
    if (args.length === 1) return float(Math.log(argument));
    // sympy turns log(x, b) into log(x)/log(b).
    const base = toFloat(args[1]!);
    if (base <= 0) fail('math domain error');
    return divide(float(Math.log(argument)), float(Math.log(base)));
  }
  if ((name === 'floor' || name === 'ceiling') && x) {
    const integral = asInteger(x);
    if (integral !== null) return integer(integral);
    const value = name === 'floor' ? Math.floor(toFloat(x)) : Math.ceil(toFloat(x));
    if (!Number.isFinite(value)) fail('cannot convert float infinity to integer');
    return integer(BigInt(value));
  }
  if (name === 'factorial' && x) {
    const n = asInteger(x);
    if (n === null || n < 0n || n > 5_000n) fail('factorial() only accepts non-negative integral values');
    let result = 1n;
    for (let index = 2n; index <= n!; index += 1n) result *= index;
    return integer(result);
  }
  return fail(`name '${name}' is not defined`);
}

export function pythonEval(node: SympyNode, scope: PythonScope = {}): PythonValue {
  const evaluate = (child: SympyNode) => pythonEval(child, scope);
  switch (node.kind) {
    case 'number':
      return node.denominator === 1n ? integer(node.numerator) : divide(integer(node.numerator), integer(node.denominator));
    case 'symbol':
      if (Object.hasOwn(scope, node.name)) return scope[node.name]!();
      return node.name in NAMES ? float(NAMES[node.name]!) : fail(`name '${node.name}' is not defined`);
    case 'constant':
      return node.name === 'pi' ? float(Math.PI) : fail(`name '${node.name}' is not defined`);
    case 'add':
      return node.args.map(evaluate).reduce(add);
    case 'mul': {
      const denominators = node.args.map(denominatorOf);
      const numerator = node.args.filter((_, index) => denominators[index] === null).map(evaluate).reduce(multiply, integer(1n));
      const below = denominators.filter((item): item is SympyNode => item !== null);
      if (below.length === 0) return numerator;
      return divide(numerator, below.map(evaluate).reduce(multiply));
    }
    case 'pow':
      return evaluatePower(node.base, node.exponent, scope);
    case 'function':
      return evaluateFunction(node.name, node.args.map(evaluate));
    case 'relation': {
      if (node.operator === 'Eq' || node.operator === 'Ne') return fail(`name '${node.operator}' is not defined`);
      const left = toFloat(evaluate(node.left));
      const right = toFloat(evaluate(node.right));
      const value = { Lt: left < right, Le: left <= right, Gt: left > right, Ge: left >= right }[node.operator];
      return { type: 'bool', value };
    }
    case 'matrix':
    case 'opaque':
      return fail('not a number');
  }
}

/** Python's repr() of a float. */
export function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  const [mantissa, exponentText] = value.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  const text = value.toFixed(Math.max(0, (mantissa.split('.')[1]?.length ?? 0) - exponent));
  return text.includes('.') ? text : `${text}.0`;
}

/** Python's str() of a value. */
export function pythonString(value: PythonValue): string {
  if (value.type === 'int') return value.value.toString();
  if (value.type === 'bool') return value.value ? 'True' : 'False';
  return pythonFloatRepr(value.value);
}

/** abs(a - b) < tolerance, as Python computes it. */
export function pythonClose(a: PythonValue, b: PythonValue, tolerance: number): boolean {
  const difference = subtract(a, b);
  const magnitude = difference.type === 'int' ? (difference.value < 0n ? -difference.value : difference.value) : null;
  if (magnitude !== null) return magnitude === 0n;
  return Math.abs(toFloat(difference)) < tolerance;
}
