/**
 * The expression trees latex2sympy2 builds (sympy objects made with `evaluate=False`), reduced to what
 * MathCoder's `is_equal` looks at: structural equality (`a == b`) and the value Python computes for
 * `eval(str(a))`.
 */
export type SympyNode =
  | { readonly kind: 'number'; readonly numerator: bigint; readonly denominator: bigint }
  | { readonly kind: 'symbol'; readonly name: string }
  | { readonly kind: 'constant'; readonly name: 'pi' | 'oo' | 'E' | 'I' | 'EmptySet' }
  | { readonly kind: 'add'; readonly args: readonly SympyNode[] }
  | { readonly kind: 'mul'; readonly args: readonly SympyNode[] }
  | { readonly kind: 'pow'; readonly base: SympyNode; readonly exponent: SympyNode }
  | { readonly kind: 'function'; readonly name: string; readonly args: readonly SympyNode[] }
  | { readonly kind: 'relation'; readonly operator: 'Lt' | 'Le' | 'Gt' | 'Ge' | 'Eq' | 'Ne'; readonly left: SympyNode; readonly right: SympyNode }
  | { readonly kind: 'matrix'; readonly rows: readonly (readonly SympyNode[])[] }
  /** Anything else latex2sympy2 can build (integrals, limits, norms): never numeric, equal only to the same text. */
  | { readonly kind: 'opaque'; readonly text: string };

/** latex2sympy's result: an expression, or a list for `a, b` / `[a, b]` / `\{a; b\}`. */
export type SympyValue = SympyNode | readonly SympyNode[];

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

export function rational(numerator: bigint, denominator = 1n): SympyNode {
  if (denominator === 0n) throw new Error('division by zero in a rational');
  const sign = denominator < 0n ? -1n : 1n;
  const divisor = gcd(numerator, denominator) || 1n;
  return { kind: 'number', numerator: (sign * numerator) / divisor, denominator: (sign * denominator) / divisor };
}

/** sympy.Rational(text) of a decimal literal such as `1.50` or `007`. */
export function rationalFromDecimal(text: string): SympyNode {
  const [whole = '', fraction = ''] = text.split('.');
  const scale = 10n ** BigInt(fraction.length);
  return rational(BigInt(`${whole || '0'}${fraction}`), scale);
}

export function isNumber(node: SympyValue): node is Extract<SympyNode, { kind: 'number' }> {
  return !Array.isArray(node) && (node as SympyNode).kind === 'number';
}

/** latex2sympy2's add_flat: an Add whose Add operands are spliced in. */
export function addFlat(left: SympyNode, right: SympyNode): SympyNode {
  const parts = (node: SympyNode) => (node.kind === 'add' ? node.args : [node]);
  return { kind: 'add', args: [...parts(left), ...parts(right)] };
}

/** latex2sympy2's mul_flat. */
export function mulFlat(left: SympyNode, right: SympyNode): SympyNode {
  const parts = (node: SympyNode) => (node.kind === 'mul' ? node.args : [node]);
  return { kind: 'mul', args: [...parts(left), ...parts(right)] };
}

export const MINUS_ONE = rational(-1n);

/** Unary minus as latex2sympy2 applies it: a number is negated, anything else multiplied by -1. */
export function negate(node: SympyNode): SympyNode {
  return node.kind === 'number' ? rational(-node.numerator, node.denominator) : mulFlat(MINUS_ONE, node);
}

/** sympy's structural `==` (numbers compare by value). */
export function structurallyEqual(a: SympyValue, b: SympyValue): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, index) => structurallyEqual(item as SympyNode, b[index] as SympyNode));
  }
  const x = a as SympyNode;
  const y = b as SympyNode;
  if (x.kind !== y.kind) return false;
  switch (x.kind) {
    case 'number':
      return x.numerator === (y as typeof x).numerator && x.denominator === (y as typeof x).denominator;
    case 'symbol':
    case 'constant':
      return x.name === (y as typeof x).name;
    case 'opaque':
      return x.text === (y as typeof x).text;
    case 'add':
    case 'mul':
      return structurallyEqual(x.args, (y as typeof x).args);
    case 'function':
      return x.name === (y as typeof x).name && structurallyEqual(x.args, (y as typeof x).args);
    case 'pow':
      return structurallyEqual(x.base, (y as typeof x).base) && structurallyEqual(x.exponent, (y as typeof x).exponent);
    case 'relation':
      return x.operator === (y as typeof x).operator && structurallyEqual(x.left, (y as typeof x).left) && structurallyEqual(x.right, (y as typeof x).right);
    case 'matrix': {
      const other = y as typeof x;
      return x.rows.length === other.rows.length && x.rows.every((row, index) => structurallyEqual(row, other.rows[index]!));
    }
  }
}
