/**
 * The lexer of latex2sympy2 1.9 (OrangeX4/latex2sympy, `PS.g4`, the LaTeX parser MathCoder's grader calls),
 * for the tokens its parser uses: longest match wins, ties go to the rule defined first, whitespace and `\$`
 * are skipped, and a character no rule matches is an error (latex2sympy2 raises on it). Tokens are produced
 * lazily, like ANTLR's token stream, so a bad character after the part the parser reads is never seen.
 */

export interface Token {
  readonly type: string;
  readonly text: string;
}

export class LatexSyntaxError extends Error {}

const GREEK = [
  'alpha', 'beta', 'Gamma', 'gamma', 'Delta', 'delta', 'epsilon', 'varepsilon', 'zeta', 'eta', 'Theta', 'theta', 'vartheta',
  'iota', 'kappa', 'Lambda', 'lambda', 'mu', 'nu', 'Xi', 'xi', 'omicron', 'Pi', 'varpi', 'rho', 'varrho', 'Sigma', 'sigma',
  'varsigma', 'tau', 'Upsilon', 'upsilon', 'Phi', 'phi', 'varphi', 'chi', 'Psi', 'psi', 'Omega', 'omega',
];

const OTHER_SYMBOLS = [
  'Bbbk', 'wp', 'nabla', 'bigstar', 'angle', 'nexists', 'diagdown', 'measuredangle', 'eth', 'emptyset', 'diagup',
  'sphericalangle', 'clubsuit', 'varnothing', 'Diamond', 'complement', 'diamondsuit', 'imath', 'Finv', 'triangledown',
  'heartsuit', 'jmath', 'Game', 'triangle', 'spadesuit', 'ell', 'hbar', 'vartriangle', 'hslash', 'blacklozenge', 'lozenge',
  'blacksquare', 'mho', 'blacktriangle', 'sharp', 'prime', 'Im', 'flat', 'square', 'backprime', 'Re', 'natural', 'surd',
  'circledS',
];

export const ACCENTS = [
  'acute', 'bar', 'overline', 'breve', 'check', 'widecheck', 'dot', 'ddot', 'grave', 'hat', 'tilde', 'widetilde', 'vec',
  'overrightarrow', 'bm', 'boldsymbol', 'text', 'textit', 'mathbb', 'mathbin', 'mathbf', 'mathcal', 'mathclap', 'mathclose',
  'mathellipsis', 'mathfrak', 'mathinner', 'mathit', 'mathnormal', 'mathop', 'mathopen', 'mathord', 'mathpunct', 'mathrel',
  'mathring', 'mathrlap', 'mathrm', 'mathscr', 'mathsf', 'mathsterling', 'mathtt',
];

type Literal = readonly [type: string, ...texts: string[]];

/** Fixed-text tokens in definition order (the parser's implicit literals come first in ANTLR). */
const LITERALS: readonly Literal[] = [
  ['TRANSPOSE', '^T', '^{T}', '^{\\top}', "'"],
  ...ACCENTS.map((name): Literal => ['ACCENT', `\\${name}`]),
  ['ADD', '+'], ['SUB', '-'], ['MUL', '*'], ['DIV', '/', '\\over'],
  ['L_PAREN', '('], ['R_PAREN', ')'], ['L_GROUP', '\\lgroup'], ['R_GROUP', '\\rgroup'],
  ['L_BRACE', '{'], ['R_BRACE', '}'], ['L_BRACE_VISUAL', '\\{'], ['R_BRACE_VISUAL', '\\}'],
  ['L_BRACE_CMD', '\\lbrace'], ['R_BRACE_CMD', '\\rbrace'], ['L_BRACKET', '['], ['R_BRACKET', ']'],
  ['L_BRACK', '\\lbrack'], ['R_BRACK', '\\rbrack'], ['BAR', '|'], ['L_VERT', '\\lvert'], ['R_VERT', '\\rvert'],
  ['VERT', '\\vert'], ['NORM', '\\|'], ['L_FLOOR', '\\lfloor'], ['R_FLOOR', '\\rfloor'], ['LL_CORNER', '\\llcorner'],
  ['LR_CORNER', '\\lrcorner'], ['L_CEIL', '\\lceil'], ['R_CEIL', '\\rceil'], ['UL_CORNER', '\\ulcorner'],
  ['UR_CORNER', '\\urcorner'], ['L_LEFT', '\\left'], ['R_RIGHT', '\\right'], ['ML_LEFT', '\\mleft'], ['MR_RIGHT', '\\mright'],
  ['FUNC_LIM', '\\lim'], ['LIM_APPROACH_SYM', '\\to', '\\rightarrow', '\\Rightarrow', '\\longrightarrow', '\\Longrightarrow'],
  ['FUNC_INT', '\\int'], ['FUNC_SUM', '\\sum'], ['FUNC_PROD', '\\prod'],
  ...[
    'log', 'ln', 'exp', 'sin', 'cos', 'tan', 'csc', 'sec', 'cot', 'arcsin', 'arccos', 'arctan', 'arccsc', 'arcsec', 'arccot',
    'sinh', 'cosh', 'tanh', 'arsinh', 'arcosh', 'artanh', 'arcsinh', 'arccosh', 'arctanh',
  ].map((name): Literal => ['FUNC_SINGLE', `\\${name}`]),
  ...[
    'arsinh', 'arcsinh', 'arcosh', 'arccosh', 'artanh', 'arctanh', 'gcd', 'lcm', 'floor', 'ceil',
  ].map((name): Literal => ['OPERATOR_NAME', name]),
  ['FUNC_SQRT', '\\sqrt'], ['FUNC_MULTI', '\\gcd', '\\lcm'], ['FUNC_SINGLE', '\\floor', '\\ceil'],
  ['FUNC_MULTI', '\\max', '\\min'], ['FUNC_SINGLE', '\\det'],
  ...[
    'eye', 'zeros', 'ones', 'cols', 'rows', 'diag', 'norm', 'rank', 'trace', 'tr', 'rref', 'hstack', 'vstack', 'orth', 'ortho',
    'orthogonal', 'orthogonalize', 'nullspace', 'eig', 'eigen', 'diagonalize', 'eigenvals', 'eigenvalues', 'eigenvects',
    'eigenvectors', 'svd', 'SVD',
  ].map((name): Literal => ['OPERATOR_NAME', name]),
  ['CMD_TIMES', '\\times'], ['CMD_CDOT', '\\cdot'], ['CMD_DIV', '\\div'], ['CMD_FRAC', '\\frac'],
  ['CMD_BINOM', '\\binom', '\\tbinom', '\\dbinom'], ['CMD_CHOOSE', '\\choose'], ['CMD_MOD', '\\mod'],
  ['CMD_MATHIT', '\\mathit'], ['CMD_OPERATORNAME', '\\operatorname'],
  ['MATRIX_TYPE', 'matrix', 'pmatrix', 'bmatrix', 'vmatrix'],
  ['CMD_MATRIX_START', '\\begin{matrix}', '\\begin{pmatrix}', '\\begin{bmatrix}'],
  ['CMD_MATRIX_END', '\\end{matrix}', '\\end{pmatrix}', '\\end{bmatrix}'],
  ['CMD_DET_START', '\\begin{vmatrix}'], ['CMD_DET_END', '\\end{vmatrix}'],
  ['MATRIX_DEL_COL', '&'], ['MATRIX_DEL_ROW', '\\\\'], ['UNDERSCORE', '_'], ['CARET', '^'], ['COLON', ':'],
  ['SEMICOLON', ';'], ['COMMA', ','], ['PERIOD', '.'],
  ['EXP_E', 'e', '\\exponentialE'], ['E_NOTATION_E', 'E'],
  ['MATRIX_XRIGHTARROW', '\\xrightarrow', '\\xRightarrow'], ['TRANSFORM_EXCHANGE', '<->', '<=>', '\\leftrightarrow', '\\Leftrightarrow'],
  ['IN', '\\in'], ['ASSIGNMENT', '='], ['EQUAL', '==', '\\equiv'], ['LT', '<'], ['LTE', '\\leq', '\\le', '\\leqslant'],
  ['GT', '>'], ['GTE', '\\geq', '\\ge', '\\geqslant'], ['UNEQUAL', '!=', '!==', '\\ne', '\\neq', '\\not\\equiv'], ['BANG', '!'],
];

/** The length of the longest of `names`, each prefixed by a backslash and followed by an optional space, at `position`. */
function commandLength(names: readonly string[], text: string, position: number): number {
  let best = 0;
  for (const name of names) {
    if (text.startsWith(`\\${name}`, position)) {
      const length = name.length + 1 + (text[position + name.length + 1] === ' ' ? 1 : 0);
      if (length > best) best = length;
    }
  }
  return best;
}

function stickyLength(pattern: RegExp, text: string, position: number): number {
  pattern.lastIndex = position;
  return pattern.exec(text)?.[0].length ?? 0;
}

/** NUMBER: DIGIT+ (',' DIGIT{3})* | DIGIT* (',' DIGIT{3})* '.' DIGIT+ (the longer of the two). */
function numberLength(text: string, position: number): number {
  return Math.max(stickyLength(/\d+(?:,\d{3})*/y, text, position), stickyLength(/\d*(?:,\d{3})*\.\d+/y, text, position));
}

function suffixedNumberLength(text: string, position: number, suffix: RegExp): number {
  const length = numberLength(text, position);
  const suffixLength = length === 0 ? 0 : stickyLength(suffix, text, position + length);
  return suffixLength === 0 ? 0 : length + suffixLength;
}

/** Patterned tokens, after the literals in priority; each gives the length it matches at a position (0: none). */
const PATTERNS: ReadonlyArray<readonly [string, (text: string, position: number) => number]> = [
  ['DIFFERENTIAL', (text, position) => stickyLength(/d[ \t\r\n]*?(?:[a-zA-Z]|\\[a-zA-Z]+)/y, text, position)],
  ['LETTER_NO_E', (text, position) => stickyLength(/[a-df-zA-DF-Z]/y, text, position)],
  ['NUMBER', numberLength],
  ['E_NOTATION', (text, position) => suffixedNumberLength(text, position, /E[-+]?\d+/y)],
  ['PERCENT_NUMBER', (text, position) => suffixedNumberLength(text, position, /\\%/y)],
  ['GREEK_CMD', (text, position) => commandLength(GREEK, text, position)],
  ['OTHER_SYMBOL_CMD', (text, position) => commandLength(OTHER_SYMBOLS, text, position)],
  [
    'SYMBOL',
    (text, position) =>
      Math.max(0, ...['\\pi', '\\partial', '\\infty\\%', '\\$\\infty', '\\infty', '\\emptyset'].map((literal) => (text.startsWith(literal, position) ? literal.length : 0))),
  ],
];

const WHITESPACE = /[ \t\r\n]+/y;

export class LatexLexer {
  private position = 0;

  constructor(private readonly text: string) {}

  /** The next token, or `EOF`; throws LatexSyntaxError on a character no rule matches. */
  next(): Token {
    for (;;) {
      WHITESPACE.lastIndex = this.position;
      const space = WHITESPACE.exec(this.text);
      if (space) this.position += space[0].length;
      if (this.position >= this.text.length) return { type: 'EOF', text: '' };
      const token = this.match();
      this.position += token.text.length;
      // DOLLAR_SIGN '\$' is skipped, but a longer token starting with it (\$\infty) wins.
      if (token.type !== 'DOLLAR_SIGN') return token;
    }
  }

  private match(): Token {
    const { text, position } = this;
    let best: Token | null = null;
    let bestPriority = Infinity;
    const consider = (type: string, length: number, priority: number) => {
      if (length === 0) return;
      if (best === null || length > best.text.length || (length === best.text.length && priority < bestPriority)) {
        best = { type, text: text.slice(position, position + length) };
        bestPriority = priority;
      }
    };
    LITERALS.forEach(([type, ...texts], index) => {
      for (const literal of texts) if (text.startsWith(literal, position)) consider(type, literal.length, index);
    });
    if (text.startsWith('\\$', position)) consider('DOLLAR_SIGN', 2, -1);
    PATTERNS.forEach(([type, length], order) => consider(type, length(text, position), LITERALS.length + order));
    if (best === null) throw new LatexSyntaxError(`token recognition error at: '${text[position]}'`);
    return best;
  }
}
