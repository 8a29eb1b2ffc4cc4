/**
 * TGI decodes `generated_text` with `skip_special_tokens=True`, so MathCoder's special tokens vanish from it
 * (SPEC 2.2, 4.4); `details.tokens` still lists every token with a `special` flag. This puts the special tokens
 * back where they were: the ordinary tokens' texts are matched against `generated_text` in order and each
 * special token is inserted between them. Several blocks per generation come back whole (as mathllm-finetune's
 * `wk_inference_g.py` handles them), not only a leading and a trailing special token as MathCoder's
 * `API.get_result` does; that heuristic remains the fallback when the token texts do not match the text.
 */
export interface TgiToken {
  readonly id: number;
  readonly text: string;
  readonly special: boolean;
}

function byTokenTexts(generatedText: string, tokens: readonly TgiToken[]): string | null {
  let cursor = 0;
  let result = '';
  for (const token of tokens) {
    if (token.special) {
      result += token.text;
      continue;
    }
    let text = token.text;
    if (!generatedText.startsWith(text, cursor) && text.startsWith(' ') && generatedText.startsWith(text.slice(1), cursor)) text = text.slice(1);
    if (!generatedText.startsWith(text, cursor)) return null;
    result += text;
    cursor += text.length;
  }
  return cursor === generatedText.length ? result : null;
}

/** MathCoder's own repair: re-attach the first and the last token when they are special and missing. */
function firstAndLast(generatedText: string, tokens: readonly TgiToken[]): string {
  let text = generatedText;
  const first = tokens[0];
  const last = tokens[tokens.length - 1];
  if (first?.special && !text.startsWith(first.text.trim())) text = first.text.trim() + text;
  if (last && last !== first && last.special && !text.endsWith(last.text.trim())) text += last.text.trim();
  return text;
}

export function reattachSpecialTokens(generatedText: string, tokens: readonly TgiToken[]): string {
  return byTokenTexts(generatedText, tokens) ?? firstAndLast(generatedText, tokens);
}
