import { MathcoderError } from '../errors.js';
import { SPECIAL_TOKENS, type SyntaxName } from '../format/index.js';
import type { ChatBackend } from './chat-types.js';
import type { GpuChoice } from './embedded/gpu-choice.js';
import { DEFAULT_HTTP_OPTIONS, type HttpOptions } from './http/http-request.js';
import { OpenAIChatBackend } from './http/openai-chat-backend.js';
import { OpenAICompletionsBackend, type StopMode } from './http/openai-completions-backend.js';
import { TgiBackend } from './http/tgi-backend.js';
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
  if (!config.baseUrl) throw new MathcoderError('input', `--backend ${config.kind} needs the server's address (--base-url)`);
  const model = config.model === undefined ? {} : { model: config.model };
  switch (config.kind) {
    case 'openai-completions':
      return OpenAICompletionsBackend.connect({ ...http, ...model, ...context, baseUrl: config.baseUrl, bos: config.bos, stopMode: config.stopMode ?? 'stop-strings', requiredTokens });
    case 'tgi':
      return TgiBackend.connect({ ...http, ...context, baseUrl: config.baseUrl, bos: config.bos, requiredTokens });
    case 'openai-chat':
      return OpenAIChatBackend.connect({ ...http, ...model, ...context, baseUrl: config.baseUrl });
  }
}
