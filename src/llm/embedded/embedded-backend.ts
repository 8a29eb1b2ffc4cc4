import { existsSync, statSync } from 'node:fs';
import type { Llama, LlamaContext, LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';
import { MathcoderError, errorMessage } from '../../errors.js';
import { contextOverflowError, abortedError } from '../backend-errors.js';
import { StopStream } from '../stop-strings.js';
import type { BackendInfo, CompletionBackend, CompletionSession, FinishReason, GenerateRequest, Generation } from '../types.js';
import type { GpuChoice } from './gpu-choice.js';
import { loadLlamaRuntime } from './llama-runtime.js';
import { SequencePool } from './sequence-pool.js';
import { checkSpecialTokens } from './special-token-check.js';
import { defaultThreads } from './thread-count.js';
import { TokenText, specialTokenTest } from './token-text.js';

export interface EmbeddedBackendOptions {
  readonly modelPath: string;
  /** How messages name the model (a hub reference or catalogue name); the path by default. */
  readonly modelName?: string;
  readonly gpu?: GpuChoice;
  /** CPU threads for evaluation; by default 1 for small models and all math cores otherwise (thread-count.ts). */
  readonly threads?: number;
  /** Tokens per sequence; by default the model's training context, at most 4096. */
  readonly contextSize?: number;
  /** Problems solved at once, each on its own context sequence (KV cache). */
  readonly sequences?: number;
  readonly bos: boolean;
  /** Token strings that must be single special tokens of the vocabulary (MathCoder's eight for its syntax). */
  readonly requiredTokens: readonly string[];
  readonly onLog?: (message: string) => void;
}

const DEFAULT_MAX_CONTEXT = 4096;

/**
 * llama.cpp in process (node-llama-cpp) on a GGUF file. A problem keeps one context sequence: each call
 * tokenises the whole prompt, keeps the longest prefix already in the sequence's KV cache and evaluates only
 * the rest, so after an execution block only the block's own tokens (and the sampled stop token before it)
 * are evaluated.
 */
export class EmbeddedBackend implements CompletionBackend {
  readonly protocol = 'completion';
  private readonly pool: SequencePool;
  readonly isSpecial: (token: Token) => boolean;

  private constructor(
    readonly info: BackendInfo,
    readonly llama: Llama,
    readonly model: LlamaModel,
    readonly context: LlamaContext,
  ) {
    this.pool = new SequencePool(context);
    this.isSpecial = specialTokenTest(model);
  }

  static async load(options: EmbeddedBackendOptions): Promise<EmbeddedBackend> {
    const name = options.modelName ?? options.modelPath;
    if (!existsSync(options.modelPath)) throw new MathcoderError('input', `model file ${options.modelPath} does not exist`);
    if (statSync(options.modelPath).isDirectory()) throw new MathcoderError('input', `${options.modelPath} is a folder; give the path of a .gguf file`);
    const gpu = options.gpu ?? 'none';
    const llama = await loadLlamaRuntime({ gpu, ...(options.onLog ? { onLog: options.onLog } : {}) });
    let model: LlamaModel;
    try {
      model = await llama.loadModel({ modelPath: options.modelPath, ...(gpu === 'none' ? { gpuLayers: 0 } : {}) });
    } catch (error) {
      throw new MathcoderError('model', `cannot load ${name} as a GGUF model: ${errorMessage(error)}`, { cause: error });
    }
    let specialTokenIds: Record<string, number> | null = null;
    try {
      specialTokenIds = options.requiredTokens.length > 0 ? checkSpecialTokens(model, options.requiredTokens, name) : null;
      if (options.bos && model.tokens.bos === null) throw new MathcoderError('model', `${name} has no BOS token; run without BOS (--no-bos)`);
    } catch (error) {
      await model.dispose();
      throw error;
    }
    const threads = options.threads ?? defaultThreads(model.size, llama.cpuMathCores);
    const contextSize = options.contextSize ?? Math.min(model.trainContextSize || DEFAULT_MAX_CONTEXT, DEFAULT_MAX_CONTEXT);
    let context: LlamaContext;
    try {
      context = await model.createContext({ contextSize, sequences: options.sequences ?? 1, threads: { ideal: threads, min: threads } });
    } catch (error) {
      await model.dispose();
      throw new MathcoderError('model', `cannot create a ${contextSize}-token context for ${name}: ${errorMessage(error)}; try a smaller --context-size`, { cause: error });
    }
    const info: BackendInfo = {
      kind: 'embedded',
      model: name,
      contextSize: context.contextSize,
      bos: options.bos,
      specialTokenIds,
      details: {
        file: options.modelPath,
        engine: `llama.cpp via node-llama-cpp (${llama.buildType} binary)`,
        gpu: llama.gpu === false ? 'none' : llama.gpu,
        gpuLayers: model.gpuLayers,
        threads,
        sequences: context.totalSequences,
        modelBytes: model.size,
      },
    };
    return new EmbeddedBackend(info, llama, model, context);
  }

  /** The prompt's tokens as the model sees them: BOS (when set), then the text with special tokens parsed. */
  promptTokens(text: string): Token[] {
    const tokens = this.model.tokenize(text, true);
    return this.info.bos ? [this.model.tokens.bos!, ...tokens] : tokens;
  }

  async openSession(): Promise<CompletionSession> {
    const sequence = await this.pool.acquire();
    return new EmbeddedSession(this, sequence, () => this.pool.release(sequence));
  }

  async close(): Promise<void> {
    await this.context.dispose();
    await this.model.dispose();
  }
}

function meterTotal(sequence: LlamaContextSequence): number {
  return sequence.tokenMeter.usedInputTokens + sequence.tokenMeter.usedOutputTokens;
}

class EmbeddedSession implements CompletionSession {
  private closed = false;

  constructor(
    private readonly backend: EmbeddedBackend,
    private readonly sequence: LlamaContextSequence,
    private readonly release: () => Promise<void>,
  ) {}

  async countTokens(text: string): Promise<number> {
    return this.backend.promptTokens(text).length;
  }

  async generate(request: GenerateRequest): Promise<Generation> {
    return (await this.generateMany({ ...request, n: 1 }))[0]!;
  }

  async generateMany(request: GenerateRequest): Promise<Generation[]> {
    if (this.closed) throw new MathcoderError('model', 'this model session is closed');
    const prompt = this.backend.promptTokens(request.prompt);
    const contextSize = this.backend.info.contextSize;
    if (prompt.length >= contextSize) throw contextOverflowError(prompt.length, contextSize);
    const generations: Generation[] = [];
    for (let index = 0; index < (request.n ?? 1); index += 1) {
      const seed = request.sampling.seed === undefined ? undefined : request.sampling.seed + index;
      generations.push(await this.generateOnce(prompt, request, seed, index === 0 ? request.onText : undefined));
    }
    return generations;
  }

  /** Drops what the KV cache holds past the longest prefix it shares with `tokens`; returns that prefix's length. */
  private async reuseCache(tokens: readonly Token[]): Promise<number> {
    let common = this.sequence.compareContextTokens([...tokens]).firstDifferentIndex;
    // The last prompt token is always evaluated again: its logits choose the first new token.
    common = Math.min(common, tokens.length - 1);
    if (common < this.sequence.nextTokenIndex) {
      await this.sequence.eraseContextTokenRanges([{ start: common, end: this.sequence.nextTokenIndex }]);
    }
    return common;
  }

  private async generateOnce(prompt: Token[], request: GenerateRequest, seed: number | undefined, onText: ((delta: string) => void) | undefined): Promise<Generation> {
    const started = performance.now();
    const { model } = this.backend;
    const maxTokens = Math.max(0, Math.min(request.maxTokens, this.backend.info.contextSize - prompt.length));
    const cached = await this.reuseCache(prompt);
    const meterBefore = meterTotal(this.sequence);
    const stream = new StopStream(request.stop, onText);
    const text = new TokenText(model, this.backend.isSpecial);
    const generated: Token[] = [];
    let finishReason: FinishReason = 'length';
    const sampling = request.sampling;
    if (maxTokens > 0) {
      const tokens = this.sequence.evaluate(prompt.slice(cached), {
        temperature: sampling.temperature,
        topP: sampling.topP,
        ...(seed === undefined ? {} : { seed }),
        yieldEogToken: true,
      });
      for await (const token of tokens) {
        if (request.signal?.aborted) break;
        if (model.isEogToken(token)) {
          finishReason = 'eos';
          break;
        }
        generated.push(token);
        text.push(token);
        if (stream.update(text.text)) {
          finishReason = 'stop';
          break;
        }
        if (generated.length >= maxTokens) break;
      }
    }
    if (request.signal?.aborted) throw abortedError(request.signal);
    const stopMatch = stream.stop;
    return {
      text: stream.finish(),
      finishReason,
      stop: stopMatch?.stop ?? null,
      tokenIds: generated,
      generatedTokens: generated.length,
      promptTokens: prompt.length,
      evaluatedTokens: meterTotal(this.sequence) - meterBefore,
      durationMs: performance.now() - started,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.release();
  }
}
