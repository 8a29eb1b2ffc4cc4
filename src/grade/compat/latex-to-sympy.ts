import { LatexLexer, LatexSyntaxError, type Token } from './latex-lexer.js';
import { applyPower, binomial, exponential, gcdOrLcm } from './sympy-functions.js';
import { addFlat, isNumber, mulFlat, negate, rational, rationalFromDecimal, MINUS_ONE, type SympyNode, type SympyValue } from './sympy-tree.js';

/**
 * A recursive-descent reading of latex2sympy2 1.9's grammar (`PS.g4`) and converter (`latex2sympy2.py`), for
 * the answers MathCoder's grader sees: numbers (with `,` thousands separators), + - * / \cdot \times \div :,
 * implicit multiplication, powers, \frac, \sqrt[n]{}, \binom, factorial, |x|, floor/ceil, trig/log/exp,
 * \gcd/\lcm/\max/\min, \pi, \infty, Greek letters and other symbols, relations, matrices, and lists (`a, b`,
 * `[a, b]`, `\{a, b\}`). Like the ANTLR parser (whose start rule does not end in EOF), it stops at the first
 * token that cannot continue the expression and ignores the rest. Integrals, sums and limits are not built:
 * they end the parse with an error, which the grader treats as "not equal", as it does every parse failure.
 */

const OPENERS: Record<string, string> = {
  L_PAREN: 'R_PAREN', L_GROUP: 'R_GROUP', L_BRACE: 'R_BRACE', L_BRACE_VISUAL: 'R_BRACE_VISUAL',
  L_BRACE_CMD: 'R_BRACE_CMD', L_BRACKET: 'R_BRACKET', L_BRACK: 'R_BRACK',
};
const LIST_OPENERS: Record<string, string> = { L_BRACKET: 'R_BRACKET', L_BRACE: 'R_BRACE', L_BRACE_VISUAL: 'R_BRACE_VISUAL' };
const ABS_OPENERS: Record<string, string> = { BAR: 'BAR', L_VERT: 'R_VERT', VERT: 'VERT' };
const MUL_OPERATORS = new Set(['MUL', 'CMD_TIMES', 'CMD_CDOT', 'DIV', 'CMD_DIV', 'COLON', 'CMD_MOD']);
const RELATIONS: Record<string, Extract<SympyNode, { kind: 'relation' }>['operator'] | 'Assign'> = {
  LT: 'Lt', LTE: 'Le', GT: 'Gt', GTE: 'Ge', EQUAL: 'Eq', UNEQUAL: 'Ne', ASSIGNMENT: 'Assign',
};
const ATOM_STARTS = new Set([
  'LETTER_NO_E', 'GREEK_CMD', 'OTHER_SYMBOL_CMD', 'ACCENT', 'SYMBOL', 'NUMBER', 'PERCENT_NUMBER', 'E_NOTATION', 'DIFFERENTIAL', 'CMD_MATHIT',
]);
const COMP_STARTS = new Set([
  ...Object.keys(OPENERS), 'L_LEFT', 'ML_LEFT', 'NORM', 'BAR', 'L_VERT', 'VERT', 'L_FLOOR', 'LL_CORNER', 'L_CEIL', 'UL_CORNER',
  'CMD_FRAC', 'CMD_BINOM', 'CMD_MATRIX_START', 'CMD_DET_START', 'FUNC_SQRT', 'FUNC_INT', 'FUNC_SUM', 'FUNC_PROD', 'FUNC_LIM',
  'EXP_E', ...ATOM_STARTS,
]);
const FUNCTION_STARTS = new Set(['FUNC_SINGLE', 'FUNC_MULTI', 'CMD_OPERATORNAME']);
const TRIG = new Set(['sin', 'cos', 'tan', 'csc', 'sec', 'cot', 'sinh', 'cosh', 'tanh']);
const ARC_NAMES: Record<string, string> = {
  arcsin: 'asin', arccos: 'acos', arctan: 'atan', arccsc: 'acsc', arcsec: 'asec', arccot: 'acot',
  arsinh: 'asinh', arcosh: 'acosh', artanh: 'atanh', arcsinh: 'asinh', arccosh: 'acosh', arctanh: 'atanh',
};

class Parser {
  private readonly tokens: Token[] = [];
  private index = 0;
  /** Depth of |…| groups: inside one, a bar closes the group instead of opening another. */
  private absDepth = 0;

  constructor(private readonly lexer: LatexLexer) {}

  peek(offset = 0): Token {
    while (this.tokens.length <= this.index + offset) {
      const last = this.tokens[this.tokens.length - 1];
      this.tokens.push(last?.type === 'EOF' ? last : this.lexer.next());
    }
    return this.tokens[this.index + offset]!;
  }

  private take(): Token {
    const token = this.peek();
    this.index += 1;
    return token;
  }

  private expect(type: string): Token {
    const token = this.take();
    if (token.type !== type) throw new LatexSyntaxError(`expected ${type}, found ${token.type} "${token.text}"`);
    return token;
  }

  private textBetween(start: number, end: number): string {
    return this.tokens.slice(start, end).map((token) => token.text).join('');
  }

  /** math: relation_list | relation (the list alternatives are tried first, as ANTLR's prediction would). */
  parseMath(): SympyValue {
    const start = this.index;
    const closer = LIST_OPENERS[this.peek().type] ?? (this.peek().type === 'L_LEFT' || this.peek().type === 'ML_LEFT' ? LIST_OPENERS[this.peek(1).type] : undefined);
    if (closer) {
      try {
        const left = this.peek().type === 'L_LEFT' || this.peek().type === 'ML_LEFT';
        this.take();
        if (left) this.take();
        const items = this.parseListContent();
        if (items) {
          if (left) this.expectRight();
          this.expect(closer);
          return items;
        }
      } catch (error) {
        if (!(error instanceof LatexSyntaxError)) throw error;
      }
      this.index = start;
    }
    const first = this.parseRelation();
    const separator = this.peek().type;
    if (separator !== 'COMMA' && separator !== 'SEMICOLON') return first;
    const items = [first];
    while (this.peek().type === separator) {
      this.take();
      items.push(this.parseRelation());
    }
    return items;
  }

  private parseListContent(): SympyNode[] | null {
    const items = [this.parseRelation()];
    const separator = this.peek().type;
    if (separator !== 'COMMA' && separator !== 'SEMICOLON') return null;
    while (this.peek().type === separator) {
      this.take();
      items.push(this.parseRelation());
    }
    return items;
  }

  private parseRelation(): SympyNode {
    let left = this.parseExpr();
    for (let operator = RELATIONS[this.peek().type]; operator; operator = RELATIONS[this.peek().type]) {
      this.take();
      const right = this.parseExpr();
      if (operator === 'Assign') {
        // latex2sympy2 stores `x = value` as a variable and returns the value; other equations are solved.
        if (left.kind === 'symbol') left = right;
        else left = { kind: 'opaque', text: `solve(${JSON.stringify(left)}=${JSON.stringify(right)})` };
      } else {
        left = { kind: 'relation', operator, left, right };
      }
    }
    return left;
  }

  parseExpr(): SympyNode {
    let left = this.parseMp(false);
    while (this.peek().type === 'ADD' || this.peek().type === 'SUB') {
      const operator = this.take().type;
      const right = this.parseMp(false);
      left = addFlat(left, operator === 'ADD' ? right : negate(right));
    }
    return left;
  }

  private parseMp(noFunction: boolean): SympyNode {
    let left = this.parseUnary(noFunction);
    while (MUL_OPERATORS.has(this.peek().type)) {
      const operator = this.take().type;
      const right = this.parseUnary(noFunction);
      if (operator === 'MUL' || operator === 'CMD_TIMES' || operator === 'CMD_CDOT') left = mulFlat(left, right);
      else if (operator === 'CMD_MOD') left = { kind: 'function', name: 'Mod', args: [left, right] };
      else left = { kind: 'mul', args: [left, { kind: 'pow', base: right, exponent: MINUS_ONE }] };
    }
    return left;
  }

  private parseUnary(noFunction: boolean): SympyNode {
    const type = this.peek().type;
    if (type === 'ADD') {
      this.take();
      return this.parseUnary(noFunction);
    }
    if (type === 'SUB') {
      this.take();
      return negate(this.parseUnary(noFunction));
    }
    // unary_nofunc: postfix postfix_nofunc* (only the first factor may be a function).
    const factors = [this.parsePostfix(false)];
    while (this.startsPostfix(this.peek(), noFunction)) factors.push(this.parsePostfix(noFunction));
    // convert_postfix_list multiplies from the right: a * (b * (c …)).
    return factors.reduceRight((product, factor) => mulFlat(factor, product));
  }

  private startsPostfix(token: Token, noFunction: boolean): boolean {
    if (token.type === 'BAR' && this.absDepth > 0) return false;
    return COMP_STARTS.has(token.type) || (!noFunction && FUNCTION_STARTS.has(token.type));
  }

  private parsePostfix(noFunction: boolean): SympyNode {
    let node = this.parseExp(noFunction);
    for (;;) {
      const type = this.peek().type;
      if (type === 'BANG') {
        this.take();
        node = { kind: 'function', name: 'factorial', args: [node] };
      } else if (type === 'TRANSPOSE') {
        this.take();
      } else {
        return node;
      }
    }
  }

  private parseExp(noFunction: boolean): SympyNode {
    let node = this.parseComp(noFunction);
    while (this.peek().type === 'CARET') {
      this.take();
      const exponent = this.parseBracedOrAtom();
      if (this.peek().type === 'UNDERSCORE') this.parseSubscriptText();
      node = { kind: 'pow', base: node, exponent };
    }
    return node;
  }

  private parseBracedOrAtom(): SympyNode {
    if (this.peek().type === 'L_BRACE') {
      this.take();
      const node = this.parseExpr();
      this.expect('R_BRACE');
      return node;
    }
    return this.parseAtom();
  }

  private parseBraced(): SympyNode {
    this.expect('L_BRACE');
    const node = this.parseExpr();
    this.expect('R_BRACE');
    return node;
  }

  private parseComp(noFunction: boolean): SympyNode {
    const token = this.peek();
    const type = token.type;
    if (type === 'L_LEFT' || type === 'ML_LEFT') {
      const inner = this.peek(1).type;
      if (OPENERS[inner]) return this.parseGroup(true);
      if (ABS_OPENERS[inner]) return this.parseAbs(true);
      if (inner === 'L_FLOOR' || inner === 'LL_CORNER' || inner === 'L_CEIL' || inner === 'UL_CORNER') return this.parseFloorCeil(true);
      throw new LatexSyntaxError(`unexpected ${inner} after \\left`);
    }
    if (type === 'L_BRACE') return this.parseBraceGroupOrBinom();
    if (OPENERS[type]) return this.parseGroup(false);
    if (ABS_OPENERS[type]) return this.parseAbs(false);
    if (type === 'NORM') {
      this.take();
      const inner = this.parseExpr();
      this.expect('NORM');
      return { kind: 'opaque', text: `norm(${JSON.stringify(inner)})` };
    }
    if (type === 'L_FLOOR' || type === 'LL_CORNER' || type === 'L_CEIL' || type === 'UL_CORNER') return this.parseFloorCeil(false);
    if (type === 'CMD_FRAC') {
      this.take();
      const upper = this.parseBraced();
      const lower = this.parseBraced();
      return { kind: 'mul', args: [upper, { kind: 'pow', base: lower, exponent: MINUS_ONE }] };
    }
    if (type === 'CMD_BINOM') {
      this.take();
      return binomial(this.parseBraced(), this.parseBraced());
    }
    if (type === 'CMD_MATRIX_START') return this.parseMatrix();
    if (type === 'FUNC_SQRT') return this.parseSqrt();
    if (type === 'EXP_E') {
      this.take();
      const exponent = this.peek().type === 'CARET' ? (this.take(), this.parseBracedOrAtom()) : rational(1n);
      return exponential(exponent);
    }
    if (!noFunction && (type === 'FUNC_SINGLE' || type === 'FUNC_MULTI')) return this.parseFunction();
    if (ATOM_STARTS.has(type)) return this.parseAtom();
    throw new LatexSyntaxError(`unexpected ${type} "${token.text}"`);
  }

  private parseGroup(withLeft: boolean): SympyNode {
    if (withLeft) this.take();
    const closer = OPENERS[this.take().type]!;
    const inner = this.parseExpr();
    if (withLeft) this.expectRight();
    this.expect(closer);
    return inner;
  }

  private expectRight(): void {
    const type = this.take().type;
    if (type !== 'R_RIGHT' && type !== 'MR_RIGHT') throw new LatexSyntaxError('expected \\right');
  }

  private parseBraceGroupOrBinom(): SympyNode {
    this.take();
    const upper = this.parseExpr();
    if (this.peek().type === 'CMD_CHOOSE') {
      this.take();
      const lower = this.parseExpr();
      this.expect('R_BRACE');
      return binomial(upper, lower);
    }
    this.expect('R_BRACE');
    return upper;
  }

  private parseAbs(withLeft: boolean): SympyNode {
    if (withLeft) this.take();
    const closer = ABS_OPENERS[this.take().type]!;
    this.absDepth += 1;
    try {
      const inner = this.parseExpr();
      if (withLeft) this.expectRight();
      this.expect(closer);
      return { kind: 'function', name: 'Abs', args: [inner] };
    } finally {
      this.absDepth -= 1;
    }
  }

  private parseFloorCeil(withLeft: boolean): SympyNode {
    if (withLeft) this.take();
    const opener = this.take().type;
    const floor = opener === 'L_FLOOR' || opener === 'LL_CORNER';
    const closer = { L_FLOOR: 'R_FLOOR', LL_CORNER: 'LR_CORNER', L_CEIL: 'R_CEIL', UL_CORNER: 'UR_CORNER' }[opener]!;
    const inner = this.parseExpr();
    if (withLeft) this.expectRight();
    this.expect(closer);
    return { kind: 'function', name: floor ? 'floor' : 'ceiling', args: [inner] };
  }

  private parseMatrix(): SympyNode {
    this.take();
    const rows: SympyNode[][] = [];
    for (;;) {
      const row = [this.parseExpr()];
      while (this.peek().type === 'MATRIX_DEL_COL') {
        this.take();
        row.push(this.parseExpr());
      }
      rows.push(row);
      if (this.peek().type !== 'MATRIX_DEL_ROW') break;
      this.take();
      if (this.peek().type === 'CMD_MATRIX_END') break;
    }
    this.expect('CMD_MATRIX_END');
    if (rows.some((row) => row.length !== rows[0]!.length)) throw new LatexSyntaxError('matrix rows of different lengths');
    return { kind: 'matrix', rows };
  }

  private parseSqrt(): SympyNode {
    this.take();
    let root: SympyNode | null = null;
    if (this.peek().type === 'L_BRACKET') {
      this.take();
      root = this.parseExpr();
      this.expect('R_BRACKET');
    }
    const base = this.parseBraced();
    if (root === null) return { kind: 'pow', base, exponent: rational(1n, 2n) };
    // `1 / r` in Python: a sympy number becomes the exact reciprocal.
    const exponent = isNumber(root) ? rational(root.denominator, root.numerator) : ({ kind: 'pow', base: root, exponent: MINUS_ONE } as SympyNode);
    return { kind: 'pow', base, exponent };
  }

  private parseSubscriptText(): string {
    this.expect('UNDERSCORE');
    if (this.peek().type !== 'L_BRACE') {
      const start = this.index;
      this.parseAtom();
      return this.textBetween(start, this.index);
    }
    this.take();
    const text = this.expressionListText();
    this.expect('R_BRACE');
    return text;
  }

  /** The source text of `expr (, expr)*`, parsed to find where it ends. */
  private expressionListText(): string {
    const start = this.index;
    this.parseExpr();
    while (this.peek().type === 'COMMA') {
      this.take();
      this.parseExpr();
    }
    return this.textBetween(start, this.index);
  }

  private parseSuperscript(): SympyNode | null {
    if (this.peek().type !== 'CARET') return null;
    this.take();
    return this.parseBracedOrAtom();
  }

  private parseFunction(): SympyNode {
    const token = this.take();
    const name = token.text.slice(1);
    let base: SympyNode | null = null;
    let power: SympyNode | null = null;
    for (let round = 0; round < 2; round += 1) {
      if (this.peek().type === 'UNDERSCORE') {
        this.take();
        base = this.parseBracedOrAtom();
      } else if (this.peek().type === 'CARET') {
        power = this.parseSuperscript();
      }
    }
    if (token.type === 'FUNC_MULTI') return applyPower(this.parseMultiArgument(name), power);
    const argument = this.parseFunctionArgument();
    let node: SympyNode;
    if (name === 'log' || name === 'ln') {
      node = { kind: 'function', name: 'log', args: base ? [argument, base] : name === 'log' ? [argument, rational(10n)] : [argument] };
    } else if (name === 'exp') {
      node = exponential(argument);
    } else if (name === 'floor' || name === 'ceil') {
      node = { kind: 'function', name: name === 'floor' ? 'floor' : 'ceiling', args: [argument] };
    } else if (name === 'det') {
      node = { kind: 'opaque', text: `det(${JSON.stringify(argument)})` };
    } else if (TRIG.has(name) && power !== null && isNumber(power) && power.numerator === -1n && power.denominator === 1n) {
      return { kind: 'function', name: `a${name}`, args: [argument] };
    } else {
      node = { kind: 'function', name: ARC_NAMES[name] ?? name, args: [argument] };
    }
    return applyPower(node, power);
  }

  private parseFunctionArgument(): SympyNode {
    const parenthesised = this.peek().type === 'L_PAREN' || ((this.peek().type === 'L_LEFT' || this.peek().type === 'ML_LEFT') && this.peek(1).type === 'L_PAREN');
    if (!parenthesised) return this.parseMp(true);
    const left = this.peek().type !== 'L_PAREN';
    if (left) this.take();
    this.take();
    const argument = this.parseExpr();
    if (left || this.peek().type === 'R_RIGHT' || this.peek().type === 'MR_RIGHT') this.expectRight();
    this.expect('R_PAREN');
    return argument;
  }

  /** \gcd, \lcm, \max, \min: latex2sympy2 splits the argument text at commas and converts each part anew. */
  private parseMultiArgument(name: string): SympyNode {
    if (this.peek().type !== 'L_PAREN') throw new LatexSyntaxError(`\\${name} without parentheses`);
    this.take();
    const text = this.expressionListText();
    this.expect('R_PAREN');
    const args = text.split(',').map((part) => latexToSympy(part));
    if (args.some((argument) => Array.isArray(argument))) throw new LatexSyntaxError('list inside a function argument');
    const nodes = args as SympyNode[];
    if (name === 'gcd' || name === 'lcm') return gcdOrLcm(name, nodes);
    return { kind: 'function', name: name === 'max' ? 'Max' : 'Min', args: nodes };
  }

  private parseAtom(): SympyNode {
    const token = this.take();
    switch (token.type) {
      case 'NUMBER':
        return rationalFromDecimal(token.text.replace(/,/g, ''));
      case 'E_NOTATION': {
        const [mantissa, exponent] = token.text.replace(/,/g, '').split('E') as [string, string];
        const power = BigInt(exponent);
        const value = rationalFromDecimal(mantissa) as Extract<SympyNode, { kind: 'number' }>;
        return power >= 0n ? rational(value.numerator * 10n ** power, value.denominator) : rational(value.numerator, value.denominator * 10n ** -power);
      }
      case 'PERCENT_NUMBER': {
        const value = rationalFromDecimal(token.text.replace('\\%', '').replace(/,/g, '')) as Extract<SympyNode, { kind: 'number' }>;
        return rational(value.numerator, value.denominator * 100n);
      }
      case 'SYMBOL': {
        const text = token.text.replace('\\$', '').replace('\\%', '');
        if (text === '\\infty') return { kind: 'constant', name: 'oo' };
        if (text === '\\pi') return { kind: 'constant', name: 'pi' };
        if (text === '\\emptyset') return { kind: 'constant', name: 'EmptySet' };
        throw new LatexSyntaxError('Unrecognized symbol');
      }
      case 'DIFFERENTIAL':
        return { kind: 'symbol', name: `d${token.text.slice(1).trim().replace(/^\\/, '')}` };
      case 'CMD_MATHIT': {
        this.expect('L_BRACE');
        let text = '';
        while (['LETTER_NO_E', 'EXP_E', 'E_NOTATION_E'].includes(this.peek().type)) text += this.take().text;
        this.expect('R_BRACE');
        return { kind: 'symbol', name: text };
      }
      case 'LETTER_NO_E':
      case 'GREEK_CMD':
      case 'OTHER_SYMBOL_CMD':
      case 'ACCENT':
        return this.parseAtomExpression(token);
      default:
        throw new LatexSyntaxError(`unexpected ${token.type} "${token.text}"`);
    }
  }

  /** atom_expr: a letter, Greek letter, symbol or accent, with an optional subscript and superscript. */
  private parseAtomExpression(token: Token): SympyNode {
    let name: string;
    if (token.type === 'LETTER_NO_E') {
      if (token.text === 'I') return { kind: 'constant', name: 'I' };
      name = token.text;
    } else if (token.type === 'GREEK_CMD') {
      name = token.text.slice(1).trim();
    } else if (token.type === 'OTHER_SYMBOL_CMD') {
      name = token.text.trim();
    } else {
      this.expect('L_BRACE');
      const start = this.index;
      this.parseExpr();
      name = `${token.text}{${this.textBetween(start, this.index)}}`;
      this.expect('R_BRACE');
    }
    let power: SympyNode | null = null;
    for (let round = 0; round < 2; round += 1) {
      if (this.peek().type === 'UNDERSCORE') {
        const subscript = this.parseSubscriptText();
        name += subscript.length > 1 ? `_{${subscript}}` : `_${subscript}`;
      } else if (this.peek().type === 'CARET' && power === null) {
        power = this.parseSuperscript();
      }
    }
    const symbol: SympyNode = { kind: 'symbol', name };
    return power === null ? symbol : { kind: 'pow', base: symbol, exponent: power };
  }
}

/** latex2sympy's text rewriting before lexing. */
function preprocess(input: string): string {
  return input
    .replace(/\\dfrac/g, '\\frac')
    .replace(/\\tfrac/g, '\\frac')
    .replace(/\\mathrm\{T\}/g, 'T')
    .replace(/\\mathrm\{d\}/g, 'd')
    .replace(/\{\\rm d\}/g, 'd')
    .replace(/\\left\[\\begin\{matrix\}/g, '\\begin{bmatrix}')
    .replace(/\\end\{matrix\}\\right\]/g, '\\end{bmatrix}')
    .replace(/\(([a-zA-Z0-9+\-*/\\ ]+?)\)_\{([a-zA-Z0-9+\-*/\\ ]+?)\}/g, (_, n: string, k: string) => `\\frac{(${n})!}{((${n})-(${k}))!}`)
    .replace(/\\displaystyle/g, ' ')
    .replace(/\\qquad/g, ' ')
    .replace(/\\quad/g, ' ')
    .replace(/~/g, ' ')
    .replace(/\\,/g, ' ')
    .replace(/\$/g, ' ');
}

/** latex2sympy(text); throws on anything latex2sympy2 would raise on. */
export function latexToSympy(text: string): SympyValue {
  return new Parser(new LatexLexer(preprocess(text))).parseMath();
}

/** The same reading, but the whole text must be one expression: trailing tokens are an error (for the strict grader). */
export function latexToSympyComplete(text: string): SympyValue {
  const parser = new Parser(new LatexLexer(preprocess(text)));
  const value = parser.parseMath();
  const rest = parser.peek();
  if (rest.type !== 'EOF') throw new LatexSyntaxError(`unexpected ${rest.type} "${rest.text}" after the expression`);
  return value;
}
