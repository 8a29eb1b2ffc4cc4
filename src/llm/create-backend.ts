import { MathcoderError } from '../errors.js';
import { SPECIAL_TOKENS, type SyntaxName } from '../format/index.js';
import type { ChatBackend } from './chat-types.js';
import type { GpuChoice } from './embedded/gpu-choice.js';
import { DEFAULT_HTTP_OPTIONS, type HttpOptions } from './http/http-request.js';
import { OpenAIChatBackend } from './http/openai-chat-backend.js';
import { OpenAICompletionsBackend, type StopMode } from './http/openai-completions-backend.js';
import { servedModelName } from './http/served-models.js';
import { serverUrls } from './http/server-url.js';
import { TgiBackend } from './http/tgi-backend.js';
import { pooledBackend } from './pooled-backend.js';
import { ServerPool, type ServerPoolOptions } from './server-pool.js';
import type { BackendKind, CompletionBackend } from './types.js';

export { BACKEND_KINDS } from './types.js';

export type ModelBackend = CompletionBackend | ChatBackend;

/** Everything a backend may need, resolved by the caller (the CLI reads flags and the environment). */
export interface BackendConfig {
  readonly kind: BackendKind;
  /** The trajectory syntax: MathCoder's requires its eight special tokens in the vocabulary. */
  readonly syntax: SyntaxName;
  readonly bos: boolean;
  readonly contextSize?: number;
  /** embedded: the GGUF file (already downloaded) and how to name it. */
  readonly modelPath?: string;
  /** embedded: the name records carry; HTTP backends: the served model's name. */
  readonly model?: string;
  readonly gpu?: GpuChoice;
  readonly threads?: number;
  /** embedded: problems at once (context sequences). */
  readonly sequences?: number;
  readonly onLog?: (message: string) => void;
  readonly baseUrl?: string;
  /**
   * HTTP backends: several servers of one model, used as one (server-pool.ts): requests balanced by outstanding
   * requests, a failing server out of rotation until it answers again. Takes the place of `baseUrl`.
   */
  readonly baseUrls?: readonly string[];
  /** With `baseUrls`: how the pool backs off and reports servers leaving and rejoining the rotation. */
  readonly pool?: ServerPoolOptions;
  readonly apiKey?: string;
  readonly stopMode?: StopMode;
  readonly http?: Partial<HttpOptions>;
}

export async function createBackend(config: BackendConfig): Promise<ModelBackend> {
  const requiredTokens = config.syntax === 'mathcoder' ? SPECIAL_TOKENS : [];
  const http: HttpOptions = { ...DEFAULT_HTTP_OPTIONS, ...config.http, ...(config.apiKey ? { apiKey: config.apiKey } : {}) };
  const context = config.contextSize === undefined ? {} : { contextSize: config.contextSize };
  if (config.kind === 'embedded') {
    if (!config.modelPath) throw new MathcoderError('input', 'the embedded backend needs a model file (--model)');
    // Loaded on demand: node-llama-cpp takes most of a second to import, which HTTP backends need not pay.
    const { EmbeddedBackend } = await import('./embedded/embedded-backend.js');
    return EmbeddedBackend.load({
      modelPath: config.modelPath,
      ...(config.model ? { modelName: config.model } : {}),
      ...(config.gpu ? { gpu: config.gpu } : {}),
      ...(config.threads ? { threads: config.threads } : {}),
      ...(config.sequences ? { sequences: config.sequences } : {}),
      ...(config.onLog ? { onLog: config.onLog } : {}),
      ...context,
      bos: config.bos,
      requiredTokens,
    });
  }
  if (config.baseUrls && config.baseUrls.length > 1) return connectServerPool(config, config.baseUrls, http);
  const baseUrl = config.baseUrl ?? config.baseUrls?.[0];
  if (!baseUrl) throw new MathcoderError('input', `--backend ${config.kind} needs the server's address (--base-url)`);
  const model = config.model === undefined ? {} : { model: config.model };
  switch (config.kind) {
    case 'openai-completions':
      return OpenAICompletionsBackend.connect({ ...http, ...model, ...context, baseUrl, bos: config.bos, stopMode: config.stopMode ?? 'stop-strings', requiredTokens });
    case 'tgi':
      return TgiBackend.connect({ ...http, ...context, baseUrl, bos: config.bos, requiredTokens });
    case 'openai-chat':
      return OpenAIChatBackend.connect({ ...http, ...model, ...context, baseUrl });
  }
}

/** Several servers of one model as one backend; a mix of models, or a server listed twice, is refused. */
async function connectServerPool(config: BackendConfig, urls: readonly string[], http: HttpOptions): Promise<ModelBackend> {
  const seen = new Map<string, string>();
  for (const url of urls) {
    const key = serverUrls(url).v1;
    if (seen.has(key)) throw new MathcoderError('input', `the model server ${url} is listed twice (as ${seen.get(key)} too): list each server once`);
    seen.set(key, url);
  }
  const pool = await ServerPool.connect(
    urls,
    (url) => createBackend({ ...config, baseUrls: undefined, baseUrl: url }),
    (backend, url) => (config.kind === 'tgi' ? Promise.resolve(backend.info.model) : servedModelName(url, http, config.model, backend.info.model)),
    config.pool,
  );
  return pooledBackend(pool);
}
