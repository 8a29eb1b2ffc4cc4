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

/** Counts a generation request a server answered, and tells the work's listener. */
type Served = (server: PoolServer, promptTokens: number | null, generatedTokens: number) => void;

class PooledCompletionSession implements CompletionSession {
  private readonly sessions = new Map<PoolServer, CompletionSession>();
  private last: PoolServer | null = null;

  constructor(
    private readonly pool: ServerPool,
    private readonly served: Served,
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

  private generated(server: PoolServer, generations: readonly Generation[]): void {
    this.served(server, generations[0]?.promptTokens ?? null, generations.reduce((sum, generation) => sum + generation.generatedTokens, 0));
  }

  async countTokens(text: string): Promise<number> {
    return (await this.on((session) => session.countTokens(text))).value;
  }

  async generate(request: GenerateRequest): Promise<Generation> {
    const attempt = streamedOnce(request);
    const { value, server } = await this.on((session) => session.generate(attempt()));
    this.generated(server, [value]);
    return value;
  }

  async generateMany(request: GenerateRequest): Promise<Generation[]> {
    const attempt = streamedOnce(request);
    const { value, server } = await this.on((session) => session.generateMany(attempt()));
    this.generated(server, value);
    return value;
  }

  async close(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((session) => session.close()));
    this.sessions.clear();
  }
}

/** What both protocols' pooled backends share: the pool, counting what each server answered, closing. */
abstract class PoolView implements PooledBackend {
  constructor(
    readonly pool: ServerPool,
    readonly info: BackendInfo,
    private readonly listener: ServedListener | null,
    /** The backend that owns the pool closes it; the views of one piece of work do not. */
    private readonly owner: boolean,
  ) {}

  protected readonly served: Served = (server, promptTokens, generatedTokens) => {
    this.pool.recordGeneration(server, promptTokens, generatedTokens);
    this.listener?.(server.url);
  };

  abstract forWork(listener: ServedListener): ModelBackend;

  async close(): Promise<void> {
    if (this.owner) await this.pool.close();
  }
}

export class PooledCompletionBackend extends PoolView implements CompletionBackend {
  readonly protocol = 'completion';

  async openSession(): Promise<CompletionSession> {
    return new PooledCompletionSession(this.pool, this.served);
  }

  forWork(listener: ServedListener): ModelBackend {
    return new PooledCompletionBackend(this.pool, this.info, listener, false);
  }
}

export class PooledChatBackend extends PoolView implements ChatBackend {
  readonly protocol = 'chat';

  async chat(request: ChatRequest): Promise<ChatResponse> {
    const { value, server } = await this.pool.run(null, (backend) => (backend as ChatBackend).chat(request));
    this.served(server, value.promptTokens, value.completionTokens ?? 0);
    return value;
  }

  forWork(listener: ServedListener): ModelBackend {
    return new PooledChatBackend(this.pool, this.info, listener, false);
  }
}

/** The backend over a connected pool, of the protocol its servers speak. */
export function pooledBackend(pool: ServerPool): ModelBackend & PooledBackend {
  const info = pooledInfo(pool);
  return pool.connectedBackends()[0]!.protocol === 'chat' ? new PooledChatBackend(pool, info, null, true) : new PooledCompletionBackend(pool, info, null, true);
}
