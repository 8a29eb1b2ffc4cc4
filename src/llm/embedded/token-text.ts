import type { LlamaModel, Token } from 'node-llama-cpp';

/**
 * The text of generated tokens with special tokens kept as their strings, so that re-tokenising the text
 * (as the next round's prompt) gives the same tokens back. Each stretch of ordinary tokens between special
 * tokens is detokenised on its own: a SentencePiece vocabulary with `add_space_prefix` adds a space to the
 * text after every special token when it tokenises, and drops it here, where llama.cpp removes the leading
 * space of a detokenised text.
 */
export class TokenText {
  private done = '';
  private run: Token[] = [];

  constructor(
    private readonly model: LlamaModel,
    private readonly isSpecial: (token: Token) => boolean,
  ) {}

  push(token: Token): void {
    if (this.isSpecial(token)) {
      this.done += this.model.detokenize(this.run, false) + this.model.detokenize([token], true);
      this.run = [];
    } else {
      this.run.push(token);
    }
  }

  get text(): string {
    return this.done + this.model.detokenize(this.run, false);
  }

}

/** Whether a token is written as a special token (control or user-defined), cached per token. */
export function specialTokenTest(model: LlamaModel): (token: Token) => boolean {
  const cache = new Map<Token, boolean>();
  return (token) => {
    let special = cache.get(token);
    if (special === undefined) {
      const attributes = model.getTokenAttributes(token);
      special = attributes.control || attributes.userDefined;
      cache.set(token, special);
    }
    return special;
  };
}
