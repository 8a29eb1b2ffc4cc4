import { SPECIAL_TOKENS } from '../../format/index.js';

/**
 * The stand-in server's tokenizer. It is not a model's (the replayed text is what matters), but it behaves like
 * one where clients can tell: MathCoder's special tokens are single tokens with the ids of the released
 * MathCoder-L models (32000-32007), BOS is 1 and EOS 2, every other piece of text (a run of letters or of
 * white space, a digit, any other character) is one token, and splitting never loses a character.
 */
export interface ReplayToken {
  readonly id: number;
  readonly text: string;
  readonly special: boolean;
}

export const BOS_ID = 1;
export const EOS_ID = 2;
const FIRST_SPECIAL_ID = 32000;
const FIRST_ORDINARY_ID = 100;

const SPECIAL_IDS = new Map<string, number>(SPECIAL_TOKENS.map((token, index) => [token, FIRST_SPECIAL_ID + index]));
const SPLIT_SPECIAL = new RegExp(`(${SPECIAL_TOKENS.map((token) => token.replace(/[|]/g, '\\|')).join('|')})`);
const PIECE = /\s+|[A-Za-z]+|[0-9]|[^\sA-Za-z0-9]/gu;

export class ReplayVocabulary {
  private readonly ids = new Map<string, number>();

  private ordinaryId(text: string): number {
    let id = this.ids.get(text);
    if (id === undefined) {
      id = FIRST_ORDINARY_ID + this.ids.size;
      this.ids.set(text, id);
    }
    return id;
  }

  tokenize(text: string): ReplayToken[] {
    const tokens: ReplayToken[] = [];
    for (const part of text.split(SPLIT_SPECIAL)) {
      const special = SPECIAL_IDS.get(part);
      if (special !== undefined) {
        tokens.push({ id: special, text: part, special: true });
        continue;
      }
      for (const match of part.matchAll(PIECE)) tokens.push({ id: this.ordinaryId(match[0]), text: match[0], special: false });
    }
    return tokens;
  }

  /** Tokens of a prompt, BOS included when the request adds special tokens. */
  count(text: string, bos: boolean): number {
    return this.tokenize(text).length + (bos ? 1 : 0);
  }
}
