import type { PublishedIndex } from './published-index.js';
import type { ReplayVocabulary } from './replay-vocabulary.js';

/** What a protocol module gets and answers; the server does the HTTP (body parsing, errors, streaming, timing). */
export interface ReplayContext {
  readonly index: PublishedIndex;
  readonly vocabulary: ReplayVocabulary;
  /** The served model's name. */
  readonly model: string;
  /** Prompt plus generated tokens the stand-in accepts (vLLM's max_model_len, TGI's max_total_tokens). */
  readonly contextSize: number;
}

/** What a completion cost, for the simulated serving time (simulated-serving.ts). */
export interface ReplayWork {
  readonly problem: string;
  readonly promptTokens: number;
  readonly generatedTokens: number;
}

export type ReplayReply =
  | { readonly status: number; readonly json: unknown; readonly work?: ReplayWork }
  /** A server-sent-event stream: each item is one `data:` payload, `[DONE]` included where the protocol sends it. */
  | { readonly status: 200; readonly events: readonly string[]; readonly work?: ReplayWork };

export type ReplayRoute = (body: unknown, context: ReplayContext) => ReplayReply;

export interface ReplayProtocol {
  /** `METHOD /path` → route. */
  readonly routes: Readonly<Record<string, ReplayRoute>>;
  /** The body of an error answer in the protocol's own shape. */
  errorBody(status: number, message: string): unknown;
}

export function field<T>(body: unknown, name: string): T | undefined {
  return body && typeof body === 'object' ? ((body as Record<string, unknown>)[name] as T | undefined) : undefined;
}
