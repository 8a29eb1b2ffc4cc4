import type { z } from 'zod';
import { MathcoderError } from '../../errors.js';
import { BACKEND_FAILURE } from '../backend-errors.js';
import { requestJson, type HttpOptions } from './http-request.js';

/**
 * Token counts from a model server's own tokenizer: vLLM's `POST /tokenize` ({model, prompt,
 * add_special_tokens} → {count, max_model_len, tokens}; llama-server reads `content`/`add_special` and answers
 * {tokens}) or TGI's `POST /tokenize` ({inputs} → [{id, text, …}], BOS included). A server without the
 * endpoint gets an upper bound instead: the last count a completion's usage reported plus one token per UTF-8
 * byte of the text added since.
 */
export type TokenizeEndpoint =
  | { readonly kind: 'openai'; readonly url: string; readonly model: string; readonly bos: boolean }
  | { readonly kind: 'tgi'; readonly url: string };

export class ServerTokenizer {
  private known: { text: string; count: number } | null = null;

  private constructor(
    private readonly endpoint: TokenizeEndpoint,
    private readonly http: HttpOptions,
    readonly available: boolean,
    /** The context length the server reported with its tokens (vLLM), if any. */
    readonly maxModelLength: number | null,
  ) {}

  /** Finds out whether the server tokenises (a missing endpoint is not an error; a server that is down is). */
  static async probe(endpoint: TokenizeEndpoint, http: HttpOptions): Promise<ServerTokenizer> {
    const answer = await requestJson(endpoint.url, ServerTokenizer.body(endpoint, 'a', false), http, undefined, true);
    const maxLength = (answer as { max_model_len?: unknown } | null)?.max_model_len;
    return new ServerTokenizer(endpoint, http, answer !== null, typeof maxLength === 'number' ? maxLength : null);
  }

  /** GETs (or POSTs) a JSON answer and validates it; null when the endpoint does not exist. */
  static async fetchParsed<T>(url: string, body: unknown, http: HttpOptions, schema: z.ZodType<T>): Promise<T | null> {
    const answer = await requestJson(url, body, http, undefined, true);
    if (answer === null) return null;
    const parsed = schema.safeParse(answer);
    if (!parsed.success) throw new MathcoderError(BACKEND_FAILURE, `${url} answered with an unexpected shape: ${JSON.stringify(answer).slice(0, 120)}`);
    return parsed.data;
  }

  private static body(endpoint: TokenizeEndpoint, text: string, addSpecial: boolean): unknown {
    return endpoint.kind === 'tgi'
      ? { inputs: text }
      : { model: endpoint.model, prompt: text, add_special_tokens: addSpecial, content: text, add_special: addSpecial };
  }

  /** The server's token ids of `text` (BOS as the server adds it to prompts). */
  async tokens(text: string, addSpecial = this.endpoint.kind === 'tgi' || this.endpoint.bos): Promise<number[]> {
    const answer = await requestJson(this.endpoint.url, ServerTokenizer.body(this.endpoint, text, addSpecial), this.http);
    const list = Array.isArray(answer) ? answer : (answer as { tokens?: unknown })?.tokens;
    if (!Array.isArray(list)) throw new MathcoderError(BACKEND_FAILURE, `${this.endpoint.url} answered without a token list`);
    return list.map((token) => (typeof token === 'number' ? token : Number((token as { id?: unknown })?.id)));
  }

  /** Tokens of a prompt: exact from the server, else the upper bound. */
  async count(text: string): Promise<number> {
    if (this.available) return (await this.tokens(text)).length;
    const bytes = (part: string) => Buffer.byteLength(part, 'utf8');
    if (this.known && text.startsWith(this.known.text)) return this.known.count + bytes(text.slice(this.known.text.length));
    return bytes(text) + 1;
  }

  /** A count the server reported (a completion's prompt plus generated tokens), for the estimate. */
  remember(text: string, count: number): void {
    this.known = { text, count };
  }

  /**
   * The id of each required token string, checked to be one token of the served vocabulary (the text "a" with
   * and without the token differ by exactly that token); null when the server cannot tokenise.
   */
  async checkSpecialTokens(required: readonly string[], model: string): Promise<Record<string, number> | null> {
    if (!this.available || required.length === 0) return null;
    const base = await this.tokens('a', false);
    const ids: Record<string, number> = {};
    for (const token of required) {
      const withToken = await this.tokens(`a${token}`, false);
      const single = withToken.length === base.length + 1 && base.every((id, index) => withToken[index] === id);
      if (!single) {
        throw new MathcoderError(
          'model',
          `the served model ${model} is not a MathCoder model: "${token}" is not one token of its vocabulary; serve a MathCoder model or use --syntax tora`,
        );
      }
      ids[token] = withToken[withToken.length - 1]!;
    }
    return ids;
  }
}
