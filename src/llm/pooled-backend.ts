import type { ChatBackend, ChatRequest, ChatResponse } from './chat-types.js';
import type { ModelBackend } from './create-backend.js';
import type { PoolServer, ServerPool } from './server-pool.js';
import type { BackendInfo, CompletionBackend, CompletionSession, GenerateRequest, Generation } from './types.js';

/**
 * A model backend over a ServerPool, with the interface of the backends it is made of, so the solve loop runs on
 * it unchanged. `forWork` gives a view of the same pool that tells who answered each request of one piece of work
 * (a problem's solve), for the row's record.
 */

/** Called with the server that answered each generation request. */
export type ServedListener = (url: string) => void;

export interface PooledBackend {
  readonly pool: ServerPool;
  /** The same pool, telling `listener` which server answered each generation request; closing it closes nothing. */
  forWork(listener: ServedListener): ModelBackend;
}

export function isPooledBackend(backend: ModelBackend): backend is ModelBackend & PooledBackend {
  return 'pool' in backend && 'forWork' in backend;
}

/** The pool's backend info: the first connected server's, with the smallest context window of all and the list of servers. */
export function pooledInfo(pool: ServerPool): BackendInfo {
  const infos = pool.connectedBackends().map((backend) => backend.info);
  const first = infos[0]!;
  return {
    ...first,
    model: pool.model,
    contextSize: Math.min(...infos.map((info) => info.contextSize)),
    details: { ...first.details, baseUrl: null, servers: pool.urls.join(' ') },
  };
}

/** A request whose text streams once, however many servers it is tried on: a retry repeats only what was not shown. */
function streamedOnce<R extends { readonly onText?: (delta: string) => void }>(request: R): () => R {
  const onText = request.onText;
  if (!onText) return () => request;
  let shown = 0;
  return () => {
    let text = '';
    return {
      ...request,
      onText: (delta: string) => {
        text += delta;
        if (text.length <= shown) return;
        onText(text.slice(shown));
        shown = text.length;
      },
    };
  };
}

class PooledCompletionSession implements CompletionSession {
  private readonly sessions = new Map<PoolServer, CompletionSession>();
  private last: PoolServer | null = null;

  constructor(
    private readonly pool: ServerPool,
    private readonly listener: ServedListener | null,
  ) {}

  private async on<T>(operation: (session: CompletionSession) => Promise<T>): Promise<{ value: T; server: PoolServer }> {
    const result = await this.pool.run(this.last, async (backend, server) => {
      let session = this.sessions.get(server);
      if (!session) {
        session = await (backend as CompletionBackend).openSession();
        this.sessions.set(server, session);
      }
      return operation(session);
    });
    this.last = result.server;
    return result;
  }

  private served(server: PoolServer, generations: readonly Generation[]): void {
    const first = generations[0];
    this.pool.recordGeneration(server, first?.promptTokens ?? null, generations.reduce((sum, generation) => sum + generation.generatedTokens, 0));
    this.listener?.(server.url);
  }

  async countTokens(text: string): Promise<number> {
    return (await this.on((session) => session.countTokens(text))).value;
  }

  async generate(request: GenerateRequest): Promise<Generation> {
    const attempt = streamedOnce(request);
    const { value, server } = await this.on((session) => session.generate(attempt()));
    this.served(server, [value]);
    return value;
  }

  async generateMany(request: GenerateRequest): Promise<Generation[]> {
    const attempt = streamedOnce(request);
    const { value, server } = await this.on((session) => session.generateMany(attempt()));
    this.served(server, value);
    return value;
  }

  async close(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((session) => session.close()));
    this.sessions.clear();
  }
}

export class PooledCompletionBackend implements CompletionBackend, PooledBackend {
  readonly protocol = 'completion';

  constructor(
    readonly pool: ServerPool,
    readonly info: BackendInfo,
    private readonly listener: ServedListener | null = null,
    private readonly owner = true,
  ) {}

  async openSession(): Promise<CompletionSession> {
    return new PooledCompletionSession(this.pool, this.listener);
  }

  forWork(listener: ServedListener): ModelBackend {
    return new PooledCompletionBackend(this.pool, this.info, listener, false);
  }

  async close(): Promise<void> {
    if (this.owner) await this.pool.close();
  }
}

export class PooledChatBackend implements ChatBackend, PooledBackend {
  readonly protocol = 'chat';

  constructor(
    readonly pool: ServerPool,
    readonly info: BackendInfo,
    private readonly listener: ServedListener | null = null,
    private readonly owner = true,
  ) {}

  async chat(request: ChatRequest): Promise<ChatResponse> {
    const { value, server } = await this.pool.run(null, (backend) => (backend as ChatBackend).chat(request));
    this.pool.recordGeneration(server, value.promptTokens, value.completionTokens ?? 0);
    this.listener?.(server.url);
    return value;
  }

  forWork(listener: ServedListener): ModelBackend {
    return new PooledChatBackend(this.pool, this.info, listener, false);
  }

  async close(): Promise<void> {
    if (this.owner) await this.pool.close();
  }
}

/** The backend over a connected pool, of the protocol its servers speak. */
export function pooledBackend(pool: ServerPool): ModelBackend & PooledBackend {
  const info = pooledInfo(pool);
  return pool.connectedBackends()[0]!.protocol === 'chat' ? new PooledChatBackend(pool, info) : new PooledCompletionBackend(pool, info);
}
