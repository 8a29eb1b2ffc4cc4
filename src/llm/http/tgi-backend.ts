import { z } from 'zod';
import { MathcoderError } from '../../errors.js';
import { BACKEND_FAILURE } from '../backend-errors.js';
import { StopStream } from '../stop-strings.js';
import type { BackendInfo, CompletionBackend, CompletionSession, FinishReason, GenerateRequest, Generation } from '../types.js';
import { requestJson, type HttpOptions } from './http-request.js';
import { serverUrls } from './server-url.js';
import { ServerTokenizer } from './server-tokenizer.js';
import { reattachSpecialTokens } from './tgi-special-tokens.js';

/**
 * Hugging Face text-generation-inference `POST /generate` with `details: true`, as MathCoder's own inference
 * used it (SPEC 4.4), minus its flaw: no `truncate` is ever sent, so TGI never silently drops the start of a
 * long prompt; the solve loop counts tokens (TGI's /tokenize) and stops with `context_overflow` instead.
 * TGI always prepends the tokenizer's BOS, so BOS cannot be turned off here.
 */
export interface TgiOptions extends HttpOptions {
  readonly baseUrl: string;
  readonly bos: boolean;
  readonly requiredTokens: readonly string[];
  /** Defaults to the server's `max_total_tokens` (/info). */
  readonly contextSize?: number;
}

const infoSchema = z.looseObject({
  model_id: z.string().optional(),
  max_total_tokens: z.number().optional(),
  max_input_tokens: z.number().optional(),
  max_input_length: z.number().optional(),
});

const generateSchema = z.looseObject({
  generated_text: z.string(),
  details: z.looseObject({
    finish_reason: z.string(),
    generated_tokens: z.number(),
    tokens: z.array(z.looseObject({ id: z.number(), text: z.string(), special: z.boolean() })),
  }),
});

const FINISH: Record<string, FinishReason> = { stop_sequence: 'stop', eos_token: 'eos', length: 'length' };

export class TgiBackend implements CompletionBackend {
  readonly protocol = 'completion';

  private constructor(
    readonly info: BackendInfo,
    private readonly options: TgiOptions,
    private readonly generateUrl: string,
    readonly tokenizer: ServerTokenizer,
  ) {}

  static async connect(options: TgiOptions): Promise<TgiBackend> {
    if (!options.bos) throw new MathcoderError('input', 'TGI always adds the tokenizer\'s BOS token; --no-bos cannot be used with --backend tgi');
    const { root } = serverUrls(options.baseUrl);
    const info = await ServerTokenizer.fetchParsed(`${root}/info`, undefined, options, infoSchema);
    const tokenizer = await ServerTokenizer.probe({ kind: 'tgi', url: `${root}/tokenize` }, options);
    const model = info?.model_id ?? 'tgi';
    const specialTokenIds = await tokenizer.checkSpecialTokens(options.requiredTokens, model);
    const backendInfo: BackendInfo = {
      kind: 'tgi',
      model,
      contextSize: options.contextSize ?? info?.max_total_tokens ?? 2048,
      bos: true,
      specialTokenIds,
      details: { baseUrl: root, maxInputTokens: info?.max_input_tokens ?? info?.max_input_length ?? null, tokenCounting: tokenizer.available ? 'server /tokenize' : 'estimate (no /tokenize)' },
    };
    return new TgiBackend(backendInfo, options, `${root}/generate`, tokenizer);
  }

  async openSession(): Promise<CompletionSession> {
    return new TgiSession(this);
  }

  async close(): Promise<void> {}

  async generateOne(request: GenerateRequest, seed: number | undefined, first: boolean): Promise<Generation> {
    const started = performance.now();
    const sampled = request.sampling.temperature > 0;
    const body = {
      inputs: request.prompt,
      parameters: {
        max_new_tokens: request.maxTokens,
        stop: request.stop,
        details: true,
        do_sample: sampled,
        ...(sampled ? { temperature: request.sampling.temperature, ...(request.sampling.topP < 1 ? { top_p: request.sampling.topP } : {}) } : {}),
        ...(seed === undefined ? {} : { seed }),
      },
    };
    const answer = generateSchema.safeParse(await requestJson(this.generateUrl, body, this.options, request.signal));
    if (!answer.success) throw new MathcoderError(BACKEND_FAILURE, `${this.generateUrl} answered with something that is not a TGI generation with details`);
    const { generated_text: generatedText, details } = answer.data;
    // The end-of-sequence token ends the generation; it is not part of the text.
    const tokens = details.finish_reason === 'eos_token' ? details.tokens.slice(0, -1) : details.tokens;
    const text = reattachSpecialTokens(generatedText, tokens);
    const stream = new StopStream(request.stop, first ? request.onText : undefined);
    stream.update(text);
    const finishReason = stream.stop ? 'stop' : (FINISH[details.finish_reason] ?? 'stop');
    return {
      text: stream.finish(),
      finishReason: finishReason === 'stop' && !stream.stop ? 'eos' : finishReason,
      stop: stream.stop?.stop ?? null,
      tokenIds: details.tokens.map((token) => token.id),
      generatedTokens: details.generated_tokens,
      promptTokens: null,
      evaluatedTokens: null,
      durationMs: performance.now() - started,
    };
  }
}

class TgiSession implements CompletionSession {
  constructor(private readonly backend: TgiBackend) {}

  countTokens(text: string): Promise<number> {
    return this.backend.tokenizer.count(text);
  }

  async generate(request: GenerateRequest): Promise<Generation> {
    return (await this.generateMany({ ...request, n: 1 }))[0]!;
  }

  /** TGI has no `n`: one request per completion, seeds counting up from the request's. */
  async generateMany(request: GenerateRequest): Promise<Generation[]> {
    const generations: Generation[] = [];
    for (let index = 0; index < (request.n ?? 1); index += 1) {
      const seed = request.sampling.seed === undefined ? undefined : request.sampling.seed + index;
      generations.push(await this.backend.generateOne(request, seed, index === 0));
    }
    return generations;
  }

  async close(): Promise<void> {}
}
