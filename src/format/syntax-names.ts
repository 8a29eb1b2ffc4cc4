/**
 * The trajectory syntaxes ("dialects") a completion model can speak: MathCoder's special tokens, ToRA's and
 * Qwen2.5-Math's Markdown fences (Qwen with a stateful session, or re-running earlier programs as Qwen's own
 * evaluation does), OpenMath-Nemotron's `<tool_call>` tags (NeMo-Skills), Hermes-style JSON tool calls in Qwen's
 * chat template, gpt-oss's harmony python tool, and ReTool's `<code>`/`<interpreter>` tags.
 */
export const SYNTAX_NAMES = ['mathcoder', 'tora', 'qwen', 'qwen-stateless', 'openmath', 'hermes', 'harmony', 'retool'] as const;
export type SyntaxName = (typeof SYNTAX_NAMES)[number];
