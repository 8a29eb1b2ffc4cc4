import type { CompletionBackend, CompletionSession, GenerateRequest, Generation } from '../../src/llm/types.js';

/**
 * The baseline that KV reuse is measured against: the same backend, but every generation call runs in a new
 * session, so the engine evaluates the whole prefix again each round (as a server without a prefix cache does).
 */
export function withoutKvReuse(backend: CompletionBackend): CompletionBackend {
  const session: CompletionSession = {
    countTokens: async (text: string) => {
      const fresh = await backend.openSession();
      try {
        return await fresh.countTokens(text);
      } finally {
        await fresh.close();
      }
    },
    generate: async (request: GenerateRequest): Promise<Generation> => (await session.generateMany({ ...request, n: 1 }))[0]!,
    generateMany: async (request: GenerateRequest) => {
      const fresh = await backend.openSession();
      try {
        return await fresh.generateMany(request);
      } finally {
        await fresh.close();
      }
    },
    close: async () => {},
  };
  return { protocol: 'completion', info: backend.info, openSession: async () => session, close: () => backend.close() };
}
