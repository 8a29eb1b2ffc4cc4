/**
 * The eight special tokens of the MathCoder protocol, in the order of the released models'
 * `additional_special_tokens` (MathCoder-L: ids 32000-32007 after Llama-2's 32,000 tokens).
 */
export const SPECIAL_TOKENS = [
  '<|system|>',
  '<|user|>',
  '<|assistant|>',
  '<|endofmessage|>',
  '<|text|>',
  '<|code|>',
  '<|execution|>',
  '<|endofblock|>',
] as const;

export type SpecialToken = (typeof SPECIAL_TOKENS)[number];

export const TOKENS = {
  system: '<|system|>',
  user: '<|user|>',
  assistant: '<|assistant|>',
  endOfMessage: '<|endofmessage|>',
  text: '<|text|>',
  code: '<|code|>',
  execution: '<|execution|>',
  endOfBlock: '<|endofblock|>',
} as const satisfies Record<string, SpecialToken>;

/** Matches any one of the eight special tokens. */
export const SPECIAL_TOKEN_PATTERN = /<\|(?:system|user|assistant|endofmessage|text|code|execution|endofblock)\|>/g;

export function isSpecialToken(value: string): value is SpecialToken {
  return (SPECIAL_TOKENS as readonly string[]).includes(value);
}

export function containsSpecialToken(text: string): boolean {
  return new RegExp(SPECIAL_TOKEN_PATTERN.source).test(text);
}

/**
 * Breaks every special-token string in `text` with a zero-width space after `<|`, so that
 * program output that happens to print one can never be read as a protocol token.
 */
export function escapeSpecialTokens(text: string): string {
  return text.replace(SPECIAL_TOKEN_PATTERN, (token) => `<|\u200b${token.slice(2)}`);
}
