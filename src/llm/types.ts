/**
 * The model backend's plain types. A completion backend continues a text prefix (special tokens written as
 * their strings) until a stop string, the end-of-sequence token or a token limit; it keeps the special tokens
 * in what it returns. A chat backend (chat-types.ts) is the other kind: messages and tool calls.
 */

export const BACKEND_KINDS = ['embedded', 'openai-completions', 'tgi', 'openai-chat'] as const;
export type BackendKind = (typeof BACKEND_KINDS)[number];

export interface Sampling {
  /** 0 is greedy. */
  readonly temperature: number;
  readonly topP: number;
  readonly seed?: number;
}

export const GREEDY: Sampling = Object.freeze({ temperature: 0, topP: 1 });

export interface GenerateRequest {
  /** The whole text so far: the rendered prompt and every block after it (no BOS: the backend adds it when set). */
  readonly prompt: string;
  /** Generation ends at the first of these; the returned text stops before it. */
  readonly stop: readonly string[];
  readonly maxTokens: number;
  readonly sampling: Sampling;
  /** Independent completions of the same prompt (the `n` of OpenAI-style servers); 1 by default. */
  readonly n?: number;
  readonly signal?: AbortSignal;
  /** Text as it is written (the first completion only), for streaming to a terminal. */
  readonly onText?: (delta: string) => void;
}

/**
 * - `stop`: a stop string was written (`stop` says which);
 * - `eos`: the model wrote its end-of-sequence token;
 * - `length`: the token limit of the request was reached.
 */
export type FinishReason = 'stop' | 'eos' | 'length';

export interface Generation {
  /** What the model wrote, special tokens kept as their strings, up to (not including) the stop string. */
  readonly text: string;
  readonly finishReason: FinishReason;
  /** The stop string that ended the generation when finishReason is `stop`. */
  readonly stop: string | null;
  /** Ids of the tokens generated (the stop token included) when the backend knows them. */
  readonly tokenIds: readonly number[] | null;
  readonly generatedTokens: number;
  /** Tokens of the prompt as the backend counted them (with BOS), when it says. */
  readonly promptTokens: number | null;
  /**
   * Tokens the engine evaluated for this call, prompt and generated (the embedded engine counts only what is not
   * already in its KV cache); null when the backend cannot tell (a remote server's prefix cache).
   */
  readonly evaluatedTokens: number | null;
  readonly durationMs: number;
}

export interface BackendInfo {
  readonly kind: BackendKind;
  /** A model file, a hub reference, or the model name the server reports. */
  readonly model: string;
  /** The tokens the model can attend to: prompt and generated together. */
  readonly contextSize: number;
  /** Whether a BOS token precedes every prompt. */
  readonly bos: boolean;
  /**
   * The id of each MathCoder special token, checked to be a single token of the served vocabulary at start-up;
   * null when the check was not asked for or the server cannot tokenise.
   */
  readonly specialTokenIds: Readonly<Record<string, number>> | null;
  /** Other facts worth recording with results (engine version, threads, GPU, server URL). */
  readonly details: Readonly<Record<string, string | number | boolean | null>>;
}

/** The state a problem keeps with a completion backend: the embedded engine keeps its KV cache here. */
export interface CompletionSession {
  /** Tokens of `text` as a prompt (BOS included when the backend adds one). */
  countTokens(text: string): Promise<number>;
  /** One completion (the first of `n`). */
  generate(request: GenerateRequest): Promise<Generation>;
  /** `n` completions of the same prompt. */
  generateMany(request: GenerateRequest): Promise<Generation[]>;
  close(): Promise<void>;
}

export interface CompletionBackend {
  readonly protocol: 'completion';
  readonly info: BackendInfo;
  /** A session per problem; the embedded engine has as many at once as its context has sequences, others wait. */
  openSession(): Promise<CompletionSession>;
  close(): Promise<void>;
}
