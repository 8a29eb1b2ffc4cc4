import type { ModelBackend } from '../llm/create-backend.js';
import type { CompletionSession, GenerateRequest, Generation } from '../llm/types.js';

/**
 * A backend that counts what one piece of work (a problem's solve, an interpolation) spends: requests, prompt
 * tokens billed per request (a chat API bills the whole conversation again at every call) and completion tokens.
 * It keeps the wrapped backend's interface, so the solve loop runs on it unchanged.
 */
export interface TokenUsage {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  /** Requests whose answer did not say how many tokens it used. */
  uncounted: number;
}

export function emptyUsage(): TokenUsage {
  return { requests: 0, promptTokens: 0, completionTokens: 0, uncounted: 0 };
}

export function addUsage(into: TokenUsage, more: Readonly<TokenUsage>): TokenUsage {
  into.requests += more.requests;
  into.promptTokens += more.promptTokens;
  into.completionTokens += more.completionTokens;
  into.uncounted += more.uncounted;
  return into;
}

function countGeneration(usage: TokenUsage, generation: Generation): void {
  usage.requests += 1;
  usage.completionTokens += generation.generatedTokens;
  if (generation.promptTokens === null) usage.uncounted += 1;
  else usage.promptTokens += generation.promptTokens;
}

function meteredSession(session: CompletionSession, usage: TokenUsage): CompletionSession {
  return {
    countTokens: (text) => session.countTokens(text),
    async generate(request: GenerateRequest) {
      const generation = await session.generate(request);
      countGeneration(usage, generation);
      return generation;
    },
    async generateMany(request: GenerateRequest) {
      const generations = await session.generateMany(request);
      for (const generation of generations) countGeneration(usage, generation);
      return generations;
    },
    close: () => session.close(),
  };
}

export function meteredBackend(backend: ModelBackend): { readonly backend: ModelBackend; readonly usage: TokenUsage } {
  const usage = emptyUsage();
  if (backend.protocol === 'chat') {
    return {
      usage,
      backend: {
        protocol: 'chat',
        info: backend.info,
        async chat(request) {
          const response = await backend.chat(request);
          usage.requests += 1;
          usage.completionTokens += response.completionTokens ?? 0;
          if (response.promptTokens === null || response.completionTokens === null) usage.uncounted += 1;
          usage.promptTokens += response.promptTokens ?? 0;
          return response;
        },
        close: () => backend.close(),
      },
    };
  }
  return {
    usage,
    backend: { protocol: 'completion', info: backend.info, openSession: async () => meteredSession(await backend.openSession(), usage), close: () => backend.close() },
  };
}
