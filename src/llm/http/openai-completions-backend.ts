import { z } from 'zod';
import { MathcoderError } from '../../errors.js';
import { BACKEND_FAILURE } from '../backend-errors.js';
import { StopStream } from '../stop-strings.js';
import type { BackendInfo, CompletionBackend, CompletionSession, FinishReason, GenerateRequest, Generation } from '../types.js';
import { requestEventStream, type HttpOptions } from './http-request.js';
import { serverUrls, type ServerUrls } from './server-url.js';
import { ServerTokenizer } from './server-tokenizer.js';

/**
 * An OpenAI-compatible `/v1/completions` server (vLLM, SGLang, llama.cpp's llama-server), set up so that
 * special tokens survive (SPEC 4.5): `skip_special_tokens: false` and `spaces_between_special_tokens: false`
 * always; then either stop strings with the stop kept in the output (`include_stop_str_in_output`, SGLang's
 * `no_stop_trim`), or `stop_token_ids` with the stop read from `stop_reason`. `max_tokens` and BOS
 * (`add_special_tokens`) are always sent explicitly. Answers are streamed.
 */
export type StopMode = 'stop-strings' | 'stop-token-ids';

export interface OpenAICompletionsOptions extends HttpOptions {
  readonly baseUrl: string;
  /** The served model's name; the server's first model by default. */
  readonly model?: string;
  readonly bos: boolean;
  readonly stopMode: StopMode;
  /** Token strings that must be single tokens of the served vocabulary (checked with the server's /tokenize). */
  readonly requiredTokens: readonly string[];
  /** The model's context window; asked from the server (vLLM `max_model_len`) when absent, else 4096. */
  readonly contextSize?: number;
}

const DEFAULT_CONTEXT = 4096;

const stopValue = z.union([z.string(), z.number(), z.null()]).optional();
const chunkSchema = z.looseObject({
  choices: z.array(
    z.looseObject({
      index: z.number().optional(),
      text: z.string().nullable().optional(),
      finish_reason: z.string().nullable().optional(),
      stop_reason: stopValue,
      matched_stop: stopValue,
      stopping_word: stopValue,
    }),
  ),
  usage: z.looseObject({ prompt_tokens: z.number(), completion_tokens: z.number() }).nullable().optional(),
});
const modelsSchema = z.looseObject({ data: z.array(z.looseObject({ id: z.string(), max_model_len: z.number().optional() })) });

interface ChoiceState {
  readonly stream: StopStream;
  text: string;
  finish: string | null;
  reported: string | number | null;
}

export class OpenAICompletionsBackend implements CompletionBackend {
  readonly protocol = 'completion';

  private constructor(
    readonly info: BackendInfo,
    private readonly options: OpenAICompletionsOptions,
    private readonly urls: ServerUrls,
    readonly tokenizer: ServerTokenizer,
    private readonly stopTokenIds: ReadonlyMap<string, number>,
  ) {}

  static async connect(options: OpenAICompletionsOptions): Promise<OpenAICompletionsBackend> {
    const urls = serverUrls(options.baseUrl);
    const listed = await ServerTokenizer.fetchParsed(`${urls.v1}/models`, undefined, options, modelsSchema);
    const served = listed?.data[0];
    const model = options.model ?? served?.id;
    if (model === undefined) throw new MathcoderError('input', `${urls.v1}/models lists no model; name the served model with --model`);
    const listedWindow = listed?.data.find((entry) => entry.id === model)?.max_model_len;
    const tokenizer = await ServerTokenizer.probe({ kind: 'openai', url: `${urls.root}/tokenize`, model, bos: options.bos }, options);
    const specialTokenIds = await tokenizer.checkSpecialTokens(options.requiredTokens, model);
    if (options.stopMode === 'stop-token-ids' && specialTokenIds === null) {
      throw new MathcoderError('input', `--stop-mode stop-token-ids needs the server's /tokenize endpoint to find the token ids, and ${urls.root}/tokenize is missing; use --stop-mode stop-strings`);
    }
    const contextSize = options.contextSize ?? listedWindow ?? tokenizer.maxModelLength ?? DEFAULT_CONTEXT;
    const info: BackendInfo = {
      kind: 'openai-completions',
      model,
      contextSize,
      bos: options.bos,
      specialTokenIds,
      details: { baseUrl: urls.v1, stopMode: options.stopMode, tokenCounting: tokenizer.available ? 'server /tokenize' : 'estimate (no /tokenize)' },
    };
    return new OpenAICompletionsBackend(info, options, urls, tokenizer, new Map(Object.entries(specialTokenIds ?? {})));
  }

  async openSession(): Promise<CompletionSession> {
    return new OpenAICompletionsSession(this);
  }

  async close(): Promise<void> {}

  requestBody(request: GenerateRequest): Record<string, unknown> {
    const tokenStops = this.options.stopMode === 'stop-token-ids' ? request.stop.filter((stop) => this.stopTokenIds.has(stop)) : [];
    const stringStops = request.stop.filter((stop) => !tokenStops.includes(stop));
    return {
      model: this.info.model,
      prompt: request.prompt,
      max_tokens: request.maxTokens,
      n: request.n ?? 1,
      temperature: request.sampling.temperature,
      top_p: request.sampling.topP,
      ...(request.sampling.seed === undefined ? {} : { seed: request.sampling.seed }),
      stream: true,
      stream_options: { include_usage: true },
      add_special_tokens: this.info.bos,
      skip_special_tokens: false,
      spaces_between_special_tokens: false,
      ...(stringStops.length > 0 ? { stop: stringStops, include_stop_str_in_output: true, no_stop_trim: true } : {}),
      ...(tokenStops.length > 0 ? { stop_token_ids: tokenStops.map((stop) => this.stopTokenIds.get(stop)) } : {}),
    };
  }

  /** Which stop ended a choice: the stop string in its text, else what the server reported (a string or a token id). */
  stopOf(state: ChoiceState, request: GenerateRequest): { finishReason: FinishReason; stop: string | null } {
    if (state.finish === 'length') return { finishReason: 'length', stop: null };
    const inText = state.stream.stop?.stop ?? null;
    if (inText !== null) return { finishReason: 'stop', stop: inText };
    const reported = state.reported;
    if (typeof reported === 'string' && request.stop.includes(reported)) return { finishReason: 'stop', stop: reported };
    if (typeof reported === 'number') {
      const stop = [...this.stopTokenIds].find(([, id]) => id === reported)?.[0];
      if (stop !== undefined && request.stop.includes(stop)) return { finishReason: 'stop', stop };
    }
    return { finishReason: 'eos', stop: null };
  }

  async complete(request: GenerateRequest): Promise<Generation[]> {
    const started = performance.now();
    const url = `${this.urls.v1}/completions`;
    const count = request.n ?? 1;
    // A retried stream starts again from its beginning: only text past what was already shown is passed on.
    let shown = 0;
    const showDelta = (text: string) => {
      if (text.length <= shown) return;
      request.onText?.(text.slice(shown));
      shown = text.length;
    };
    const { states, usage } = await requestEventStream(url, this.requestBody(request), this.options, request.signal, async (events) => {
      const states: ChoiceState[] = Array.from({ length: count }, (_, index) => {
        let visible = '';
        return {
          stream: new StopStream(request.stop, index === 0 ? (delta) => showDelta((visible += delta)) : undefined),
          text: '',
          finish: null,
          reported: null,
        };
      });
      let usage: { prompt_tokens: number; completion_tokens: number } | null = null;
      for await (const data of events) {
        const parsed = chunkSchema.safeParse(JSON.parse(data));
        if (!parsed.success) throw new MathcoderError(BACKEND_FAILURE, `${url} streamed a chunk that is not an OpenAI completion: ${data.slice(0, 120)}`);
        usage = parsed.data.usage ?? usage;
        for (const choice of parsed.data.choices) {
          const state = states[choice.index ?? 0];
          if (!state) continue;
          state.text += choice.text ?? '';
          state.stream.update(state.text);
          state.finish = choice.finish_reason ?? state.finish;
          state.reported = choice.stop_reason ?? choice.matched_stop ?? choice.stopping_word ?? state.reported;
        }
      }
      return { states, usage };
    });
    const durationMs = performance.now() - started;
    return states.map((state) => ({
      text: state.stream.finish(),
      ...this.stopOf(state, request),
      tokenIds: null,
      generatedTokens: usage === null ? 0 : Math.round(usage.completion_tokens / count),
      promptTokens: usage?.prompt_tokens ?? null,
      evaluatedTokens: null,
      durationMs,
    }));
  }
}

class OpenAICompletionsSession implements CompletionSession {
  constructor(private readonly backend: OpenAICompletionsBackend) {}

  countTokens(text: string): Promise<number> {
    return this.backend.tokenizer.count(text);
  }

  async generate(request: GenerateRequest): Promise<Generation> {
    return (await this.generateMany({ ...request, n: 1 }))[0]!;
  }

  async generateMany(request: GenerateRequest): Promise<Generation[]> {
    const generations = await this.backend.complete(request);
    const first = generations[0];
    if (first?.promptTokens != null) this.backend.tokenizer.remember(request.prompt + first.text + (first.stop ?? ''), first.promptTokens + first.generatedTokens);
    return generations;
  }

  async close(): Promise<void> {}
}
