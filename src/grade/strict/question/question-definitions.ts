import { ONE, ZERO, add, divide, isZero, multiply, parseDecimal, power, rationalOf, subtract, type Rational } from './rational.js';

/**
 * The values a question defines, read the way the Mathematics set (DeepMind's mathematics dataset) writes
 * them: "Let l = -0.25 + -0.75.", "Let m be d(4).", "Let d(n) = n + 3.", "Suppose -9*i - 84 - 33 = 0.",
 * "Suppose 15 = -3*j + 5*s, 0 = -3*s." (linear equations, solved exactly). Expressions are Python's
 * (`*`, `/`, `**`). A statement this reader cannot follow (derivatives, non-linear systems) defines nothing, and
 * names that depend on it stay unknown.
 */

/** A linear form: constant + Σ coefficient·unknown. */
interface Linear {
  readonly constant: Rational;
  readonly terms: ReadonlyMap<string, Rational>;
}

interface FunctionDefinition {
  readonly parameter: string;
  readonly body: string;
}

interface Scope {
  readonly values: Map<string, Rational>;
  readonly functions: Map<string, FunctionDefinition>;
}

class Unreadable extends Error {}

const constant = (value: Rational): Linear => ({ constant: value, terms: new Map() });
const isConstant = (form: Linear) => form.terms.size === 0;

function combine(a: Linear, b: Linear, sign: 1 | -1): Linear {
  const terms = new Map(a.terms);
  for (const [name, coefficient] of b.terms) {
    const sum = sign === 1 ? add(terms.get(name) ?? ZERO, coefficient) : subtract(terms.get(name) ?? ZERO, coefficient);
    if (isZero(sum)) terms.delete(name);
    else terms.set(name, sum);
  }
  return { constant: sign === 1 ? add(a.constant, b.constant) : subtract(a.constant, b.constant), terms };
}

function scale(form: Linear, factor: Rational): Linear {
  if (isZero(factor)) return constant(ZERO);
  return { constant: multiply(form.constant, factor), terms: new Map([...form.terms].map(([name, value]) => [name, multiply(value, factor)])) };
}

/** A recursive-descent reader of a Python arithmetic expression, linear in the names it does not know. */
class ExpressionReader {
  private index = 0;
  private readonly tokens: string[];

  constructor(
    text: string,
    private readonly scope: Scope,
    private readonly unknowns: boolean,
    private readonly depth = 0,
  ) {
    this.tokens = text.match(/\d+\.\d*|\.\d+|\d+|\*\*|[A-Za-z_]\w*|[-+*/()]/g) ?? [];
    const rest = text.replace(/\d+\.\d*|\.\d+|\d+|\*\*|[A-Za-z_]\w*|[-+*/()]|\s/g, '');
    if (rest !== '' || this.tokens.length === 0) throw new Unreadable(text);
  }

  read(): Linear {
    const value = this.sum();
    if (this.index !== this.tokens.length) throw new Unreadable(this.tokens.join(' '));
    return value;
  }

  private peek(): string | undefined {
    return this.tokens[this.index];
  }

  private sum(): Linear {
    let value = this.product();
    for (let token = this.peek(); token === '+' || token === '-'; token = this.peek()) {
      this.index += 1;
      value = combine(value, this.product(), token === '+' ? 1 : -1);
    }
    return value;
  }

  private product(): Linear {
    let value = this.unary();
    for (let token = this.peek(); token === '*' || token === '/'; token = this.peek()) {
      this.index += 1;
      const right = this.unary();
      if (token === '*') {
        if (isConstant(value)) value = scale(right, value.constant);
        else if (isConstant(right)) value = scale(value, right.constant);
        else throw new Unreadable('a product of unknowns');
      } else {
        if (!isConstant(right) || isZero(right.constant)) throw new Unreadable('a division by an unknown or by zero');
        value = scale(value, divide(ONE, right.constant));
      }
    }
    return value;
  }

  private unary(): Linear {
    const token = this.peek();
    if (token === '-' || token === '+') {
      this.index += 1;
      const value = this.unary();
      return token === '-' ? scale(value, rationalOf(-1n)) : value;
    }
    return this.power();
  }

  private power(): Linear {
    const base = this.atom();
    if (this.peek() !== '**') return base;
    this.index += 1;
    const exponent = this.unary();
    if (!isConstant(base) || !isConstant(exponent)) throw new Unreadable('a power of an unknown');
    return constant(power(base.constant, exponent.constant));
  }

  private atom(): Linear {
    const token = this.tokens[this.index++];
    if (token === undefined) throw new Unreadable('end of expression');
    if (token === '(') {
      const value = this.sum();
      if (this.tokens[this.index++] !== ')') throw new Unreadable('unbalanced parentheses');
      return value;
    }
    if (/^[\d.]/.test(token)) return constant(parseDecimal(token));
    if (this.peek() === '(') {
      const definition = this.scope.functions.get(token);
      if (!definition || this.depth > 8) throw new Unreadable(`unknown function ${token}`);
      this.index += 1;
      const argument = this.sum();
      if (this.tokens[this.index++] !== ')' || !isConstant(argument)) throw new Unreadable('a function of an unknown');
      const inner: Scope = { values: new Map([...this.scope.values, [definition.parameter, argument.constant]]), functions: this.scope.functions };
      return new ExpressionReader(definition.body, inner, false, this.depth + 1).read();
    }
    const value = this.scope.values.get(token);
    if (value !== undefined) return constant(value);
    if (!this.unknowns) throw new Unreadable(`unknown ${token}`);
    return { constant: ZERO, terms: new Map([[token, ONE]]) };
  }
}

/** Solves equations (each `form = 0`) for their unknowns when there are as many as equations and one solution. */
function solveLinear(forms: readonly Linear[]): Map<string, Rational> | null {
  const names = [...new Set(forms.flatMap((form) => [...form.terms.keys()]))];
  if (names.length === 0 || names.length !== forms.length) return null;
  const rows = forms.map((form) => [...names.map((name) => form.terms.get(name) ?? ZERO), subtract(ZERO, form.constant)]);
  for (let column = 0; column < names.length; column += 1) {
    const pivot = rows.findIndex((row, index) => index >= column && !isZero(row[column]!));
    if (pivot === -1) return null;
    [rows[column], rows[pivot]] = [rows[pivot]!, rows[column]!];
    const lead = rows[column]![column]!;
    rows[column] = rows[column]!.map((value) => divide(value, lead));
    for (let other = 0; other < rows.length; other += 1) {
      if (other === column || isZero(rows[other]![column]!)) continue;
      const factor = rows[other]![column]!;
      rows[other] = rows[other]!.map((value, index) => subtract(value, multiply(factor, rows[column]![index]!)));
    }
  }
  return new Map(names.map((name, index) => [name, rows[index]![names.length]!]));
}

function readEquation(text: string, scope: Scope): Linear {
  const sides = text.split('=');
  if (sides.length !== 2) throw new Unreadable(text);
  const left = new ExpressionReader(sides[0]!, scope, true).read();
  const right = new ExpressionReader(sides[1]!, scope, true).read();
  return combine(left, right, -1);
}

function define(statement: string, scope: Scope): void {
  const functionDefinition = /^Let ([a-zA-Z]\w*)\(([a-zA-Z])\) (?:=|be) (.+)$/.exec(statement);
  if (functionDefinition) {
    // Checked at use; a body this reader cannot follow (a derivative) makes its calls unreadable.
    scope.functions.set(functionDefinition[1]!, { parameter: functionDefinition[2]!, body: functionDefinition[3]! });
    return;
  }
  const value = /^Let ([a-zA-Z]\w*) (?:=|be) (.+)$/.exec(statement);
  if (value) {
    const form = new ExpressionReader(value[2]!, scope, false).read();
    scope.values.set(value[1]!, form.constant);
    return;
  }
  const suppose = /^Suppose (.+)$/.exec(statement);
  if (suppose) {
    const forms = suppose[1]!.split(/,\s*|\s+and\s+/).map((equation) => readEquation(equation, scope));
    const solution = solveLinear(forms);
    if (solution) for (const [name, solved] of solution) scope.values.set(name, solved);
  }
}

/** The statements of a question: sentences ending in `.` or `?` (a decimal point is not an end). */
function statements(question: string): string[] {
  return question
    .split(/(?<=[.?])\s+(?=[A-Z])/)
    .map((sentence) => sentence.trim().replace(/[.?]$/, '').trim())
    .filter(Boolean);
}

/** The values the question's "Let …" and "Suppose …" statements define. */
export function questionValues(question: string): Map<string, Rational> {
  const scope: Scope = { values: new Map(), functions: new Map() };
  for (const statement of statements(question)) {
    try {
      define(statement, scope);
    } catch (error) {
      if (!(error instanceof Unreadable) && !(error instanceof RangeError)) throw error;
    }
  }
  return scope.values;
}
