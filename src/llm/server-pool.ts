import { MathcoderError, errorMessage } from '../errors.js';
import { ServerUnavailableError } from './backend-errors.js';
import type { ModelBackend } from './create-backend.js';

/**
 * Several model servers of one model used as one: each request goes to the server with the fewest requests
 * outstanding (ties: the server the caller used last, for its prefix cache, then in turn). A server whose request
 * fails after its backend's own retries (connection refused, 5xx, a timeout, a stream cut short) is taken out of
 * rotation and the request is tried on another; after a backoff (doubling, up to a minute) one request probes it
 * and, if that succeeds, it is back. Only when every server has failed a request does the request fail.
 */

/** What one server did, for the run's manifest and report. */
export interface ServerStats {
  readonly url: string;
  /** Generation requests it answered. */
  readonly requests: number;
  /** Requests that failed there (after the backend's retries) and were moved to another server. */
  readonly failures: number;
  /** Times it was taken out of rotation. */
  readonly timesTakenOut: number;
  readonly promptTokens: number;
  readonly generatedTokens: number;
  /** Milliseconds with at least one request outstanding there. */
  readonly busyMs: number;
  /** `up` (in rotation), `down` (out of rotation, retried later) or `excluded` (serves another model). */
  readonly state: 'up' | 'down' | 'excluded';
  /** Why it last failed or was excluded. */
  readonly lastError: string | null;
}

export interface ServerPoolOptions {
  /** The first wait before a failed server is tried again; each failed try doubles it. */
  readonly firstBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** A server taken out of rotation, back in rotation, or excluded: one line. */
  readonly onEvent?: (message: string) => void;
}

/** Connects to one server; throws ServerUnavailableError when it is down (it is then connected later). */
export type ServerConnector = (url: string) => Promise<ModelBackend>;
/** The name of the model a connected server serves (GET /v1/models, TGI's /info). */
export type ServedModel = (backend: ModelBackend, url: string) => Promise<string>;

/** A server as the callers of `run` see it. */
export interface PoolServer {
  readonly url: string;
}

class Member implements PoolServer {
  backend: ModelBackend | null = null;
  connecting: Promise<ModelBackend> | null = null;
  state: 'up' | 'down' | 'excluded' = 'up';
  retryAt = 0;
  backoffMs: number;
  probing = false;
  outstanding = 0;
  busySince = 0;
  busyMs = 0;
  requests = 0;
  failures = 0;
  timesTakenOut = 0;
  promptTokens = 0;
  generatedTokens = 0;
  lastError: string | null = null;

  constructor(
    readonly url: string,
    firstBackoffMs: number,
  ) {
    this.backoffMs = firstBackoffMs;
  }
}

const DEFAULT_FIRST_BACKOFF_MS = 2_000;
const DEFAULT_MAX_BACKOFF_MS = 60_000;

export class ServerPool {
  private cursor = 0;

  private constructor(
    private readonly members: readonly Member[],
    private readonly connector: ServerConnector,
    private readonly servedModel: ServedModel,
    /** The model every server must serve. */
    readonly model: string,
    private readonly options: ServerPoolOptions,
  ) {}

  /**
   * Connects to every server at once. Servers that are down start out of rotation (connected when retried); a
   * server that refuses for another reason (a bad URL, not a MathCoder vocabulary) is an error, and so is a mix of
   * models. At least one server must answer.
   */
  static async connect(urls: readonly string[], connector: ServerConnector, servedModel: ServedModel, options: ServerPoolOptions = {}): Promise<ServerPool> {
    if (urls.length === 0) throw new MathcoderError('input', 'no model server given (--base-url)');
    const first = options.firstBackoffMs ?? DEFAULT_FIRST_BACKOFF_MS;
    const members = urls.map((url) => new Member(url, first));
    const connected = await Promise.allSettled(members.map((member) => connector(member.url)));
    const names = new Map<Member, string>();
    let firstDown: unknown = null;
    try {
      for (const [index, result] of connected.entries()) {
        const member = members[index]!;
        if (result.status === 'fulfilled') {
          member.backend = result.value;
          names.set(member, await servedModel(result.value, member.url));
        } else if (result.reason instanceof ServerUnavailableError) {
          firstDown ??= result.reason;
          member.state = 'down';
          member.timesTakenOut = 1;
          member.lastError = errorMessage(result.reason);
          member.retryAt = Date.now() + member.backoffMs;
        } else {
          throw result.reason;
        }
      }
      if (names.size === 0) throw firstDown;
      const distinct = [...new Set(names.values())];
      if (distinct.length > 1) {
        const served = [...names.entries()].map(([member, name]) => `${member.url} serves ${name}`).join(', ');
        throw new MathcoderError('input', `the model servers serve different models (${served}; GET /v1/models): give servers of one model`);
      }
      const pool = new ServerPool(members, connector, servedModel, distinct[0]!, options);
      for (const member of members) if (member.state === 'down') options.onEvent?.(`${member.url} is out of rotation (${member.lastError}); trying it again in ${seconds(member.backoffMs)}`);
      return pool;
    } catch (error) {
      await Promise.all(connected.map((result) => (result.status === 'fulfilled' ? result.value.close() : undefined)));
      throw error;
    }
  }

  /** The backends of the servers connected so far, in the order given. */
  connectedBackends(): ModelBackend[] {
    return this.members.flatMap((member) => (member.backend ? [member.backend] : []));
  }

  get urls(): string[] {
    return this.members.map((member) => member.url);
  }

  /**
   * Runs one request on the least busy server in rotation (`preferred` wins a tie), moving it to another server
   * when this one fails; the request's own errors (a context overflow, a cancelled request, a 4xx) are not the
   * server's and are thrown as they are.
   */
  async run<T>(preferred: PoolServer | null, attempt: (backend: ModelBackend, server: PoolServer) => Promise<T>): Promise<{ value: T; server: PoolServer }> {
    const tried = new Set<Member>();
    let lastFailure: string | null = null;
    for (;;) {
      const member = this.pick(tried, preferred);
      if (member === null) {
        const down = this.members.filter((candidate) => candidate.state !== 'up').length;
        throw new ServerUnavailableError(
          `no model server could answer (${this.members.length} servers, ${down} out of rotation)${lastFailure ? `; last failure: ${lastFailure}` : ''}`,
        );
      }
      tried.add(member);
      const probe = member.state === 'down';
      if (probe) member.probing = true;
      this.begin(member);
      try {
        const backend = await this.connected(member);
        if (backend === null) continue;
        const value = await attempt(backend, member);
        if (probe) this.restore(member);
        return { value, server: member };
      } catch (error) {
        if (!(error instanceof ServerUnavailableError)) {
          // The server answered: it is up, whatever the request's own fate.
          if (probe && member.backend) this.restore(member);
          throw error;
        }
        lastFailure = errorMessage(error);
        this.fail(member, lastFailure, probe);
      } finally {
        this.end(member);
        if (probe) member.probing = false;
      }
    }
  }

  /** Counts a generation request a server answered. */
  recordGeneration(server: PoolServer, promptTokens: number | null, generatedTokens: number): void {
    const member = server as Member;
    member.requests += 1;
    member.promptTokens += promptTokens ?? 0;
    member.generatedTokens += generatedTokens;
  }

  stats(): ServerStats[] {
    const now = performance.now();
    return this.members.map((member) => ({
      url: member.url,
      requests: member.requests,
      failures: member.failures,
      timesTakenOut: member.timesTakenOut,
      promptTokens: member.promptTokens,
      generatedTokens: member.generatedTokens,
      busyMs: Math.round(member.busyMs + (member.outstanding > 0 ? now - member.busySince : 0)),
      state: member.state,
      lastError: member.lastError,
    }));
  }

  async close(): Promise<void> {
    await Promise.all(this.members.map((member) => member.backend?.close()));
  }

  /** The least busy usable server: `preferred` on a tie, else the next in turn after the last one chosen so. */
  private pick(tried: ReadonlySet<Member>, preferred: PoolServer | null): Member | null {
    const now = Date.now();
    const count = this.members.length;
    let best: { member: Member; position: number } | null = null;
    for (let offset = 0; offset < count; offset += 1) {
      const position = (this.cursor + offset) % count;
      const member = this.members[position]!;
      if (tried.has(member) || member.state === 'excluded') continue;
      if (member.state === 'down' && (member.probing || now < member.retryAt)) continue;
      if (best === null || member.outstanding < best.member.outstanding || (member.outstanding === best.member.outstanding && member === preferred)) best = { member, position };
    }
    if (best === null) return null;
    if (best.member !== preferred) this.cursor = best.position + 1;
    return best.member;
  }

  /** The member's backend, connecting it first when it was down at start-up; null when it is left out for good. */
  private async connected(member: Member): Promise<ModelBackend | null> {
    if (member.backend) return member.backend;
    let backend: ModelBackend | null = null;
    let name: string;
    try {
      member.connecting ??= this.connector(member.url).finally(() => (member.connecting = null));
      backend = await member.connecting;
      name = await this.servedModel(backend, member.url);
    } catch (error) {
      await backend?.close();
      if (error instanceof ServerUnavailableError) throw error;
      this.exclude(member, errorMessage(error));
      return null;
    }
    if (name !== this.model) {
      await backend.close();
      this.exclude(member, `it serves ${name}, not ${this.model}`);
      return null;
    }
    member.backend = backend;
    return backend;
  }

  private exclude(member: Member, why: string): void {
    member.state = 'excluded';
    member.lastError = why;
    this.options.onEvent?.(`${member.url} is left out: ${why}`);
  }

  private begin(member: Member): void {
    if (member.outstanding === 0) member.busySince = performance.now();
    member.outstanding += 1;
  }

  private end(member: Member): void {
    member.outstanding -= 1;
    if (member.outstanding === 0) member.busyMs += performance.now() - member.busySince;
  }

  private restore(member: Member): void {
    if (member.state !== 'down') return;
    member.state = 'up';
    member.backoffMs = this.options.firstBackoffMs ?? DEFAULT_FIRST_BACKOFF_MS;
    this.options.onEvent?.(`${member.url} is back in rotation`);
  }

  private fail(member: Member, message: string, probe: boolean): void {
    member.failures += 1;
    member.lastError = message;
    if (member.state === 'excluded') return;
    if (member.state === 'up') {
      member.state = 'down';
      member.timesTakenOut += 1;
    } else if (probe) {
      member.backoffMs = Math.min(member.backoffMs * 2, this.options.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS);
    } else {
      return; // a request sent before it went down
    }
    member.retryAt = Date.now() + member.backoffMs;
    this.options.onEvent?.(`${member.url} is out of rotation (${message}); trying it again in ${seconds(member.backoffMs)}`);
  }
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}
