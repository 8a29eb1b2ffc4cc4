/** The trajectory syntaxes: MathCoder's special tokens, and the Markdown fences of ToRA and Qwen2.5-Math. */
export const SYNTAX_NAMES = ['mathcoder', 'tora', 'qwen'] as const;
export type SyntaxName = (typeof SYNTAX_NAMES)[number];
