import { MathcoderError, errorMessage } from '../../errors.js';
import { abortedError, BACKEND_FAILURE, CONTEXT_OVERFLOW, ServerUnavailableError } from '../backend-errors.js';

/**
 * Requests to a model server: a per-request timeout (also the longest silence inside a streamed answer),
 * retries with exponential backoff on lost connections, 429 and 5xx (waiting at least as long as the server's
 * `Retry-After` asks), and one-line errors that say what to fix. A refused connection, an unknown host and a 4xx
 * answer are not retried; a 4xx that says the prompt is too long is a context overflow.
 */
export interface HttpOptions {
  readonly timeoutMs: number;
  /** Extra attempts after a retryable failure. */
  readonly retries: number;
  /** The first backoff; each next one doubles. */
  readonly retryDelayMs: number;
  /** Sent as `Authorization: Bearer …`. */
  readonly apiKey?: string;
}

export const DEFAULT_HTTP_OPTIONS: HttpOptions = Object.freeze({ timeoutMs: 300_000, retries: 3, retryDelayMs: 1_000 });

/** A failure worth another attempt (the server is down, overloaded, hung, or cut the answer short). */
export class RetryableFailure extends Error {
  constructor(
    message: string,
    /** How long the server asked to wait before the next attempt (`Retry-After`), when it said. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }
}

/** The longest `Retry-After` honoured; a server asking for more is waited on this long. */
export const MAX_RETRY_AFTER_MS = 600_000;

/**
 * The wait a 429 or 503 answer asks for: `retry-after-ms` (Azure OpenAI), else `Retry-After` in seconds or as an
 * HTTP date; null when the answer says nothing usable.
 */
export function retryAfterMs(headers: Headers, now = Date.now()): number | null {
  const milliseconds = Number(headers.get('retry-after-ms') ?? Number.NaN);
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return Math.min(milliseconds, MAX_RETRY_AFTER_MS);
  const value = headers.get('retry-after')?.trim();
  if (!value) return null;
  const wait = /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : Date.parse(value) - now;
  return Number.isFinite(wait) ? Math.min(Math.max(0, wait), MAX_RETRY_AFTER_MS) : null;
}

const CONTEXT_MESSAGE = /context length|context size|maximum context|too many tokens|must be <= |exceeds the|prompt is too long|input_ids.*longer/i;

function networkCause(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: string } })?.cause;
  return cause?.code ?? (error as { code?: string })?.code;
}

/** Connection failures another attempt would meet again at once: nothing listens there, or the host name does not resolve. */
const NOT_RETRIED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

export function describeConnectionFailure(url: string, error: unknown): string {
  const code = networkCause(error);
  const { origin, hostname } = new URL(url);
  if (code === 'ECONNREFUSED') return `cannot connect to ${origin} (connection refused): is the model server running there?`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `cannot resolve host ${hostname} (${origin}): check the server's address, or this machine may be offline`;
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') return `${origin} closed the connection before answering`;
  return `request to ${url} failed: ${errorMessage(error)}`;
}

/** The error message a server put in its body (OpenAI `{error: {message}}`, TGI `{error}`), else the body's start. */
export function serverMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown; message?: unknown; detail?: unknown };
    const error = parsed.error;
    if (typeof error === 'string') return error;
    if (error && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string') return (error as { message: string }).message;
    if (typeof parsed.message === 'string') return parsed.message;
    if (typeof parsed.detail === 'string') return parsed.detail;
  } catch {
    // Not JSON.
  }
  return body.slice(0, 200);
}

/** Throws the error an unsuccessful answer means: retryable for 429 and 5xx. */
export async function checkResponse(url: string, response: Response): Promise<void> {
  if (response.ok) return;
  const message = serverMessage(await response.text().catch(() => ''));
  const text = `${url} answered HTTP ${response.status}${message ? `: ${message.replace(/\s+/g, ' ').trim()}` : ''}`;
  if (response.status === 429 || response.status >= 500) throw new RetryableFailure(text, retryAfterMs(response.headers));
  if (CONTEXT_MESSAGE.test(message)) throw new MathcoderError(CONTEXT_OVERFLOW, text);
  if (response.status === 401 || response.status === 403) throw new MathcoderError(BACKEND_FAILURE, `${text} (check the API key: --api-key or OPENAI_API_KEY)`);
  throw new MathcoderError(BACKEND_FAILURE, text);
}

function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

/**
 * Runs `attempt` with a fresh timeout signal (combined with the caller's) until it succeeds, fails for good, or
 * the retries are spent. `attempt` resets the timer with `alive()` whenever data arrives.
 */
export async function withRetries<T>(
  url: string,
  options: HttpOptions,
  callerSignal: AbortSignal | undefined,
  attempt: (signal: AbortSignal, alive: () => void) => Promise<T>,
): Promise<T> {
  let lastFailure = '';
  let serverWait: number | null = null;
  for (let tries = 0; tries <= options.retries; tries += 1) {
    if (tries > 0) await sleep(Math.max(options.retryDelayMs * 2 ** (tries - 1), serverWait ?? 0), callerSignal);
    serverWait = null;
    if (callerSignal?.aborted) throw abortedError(callerSignal);
    const controller = new AbortController();
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    const alive = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort(new Error('timeout'));
      }, options.timeoutMs);
    };
    const onCallerAbort = () => controller.abort(callerSignal?.reason);
    callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
    alive();
    try {
      return await attempt(controller.signal, alive);
    } catch (error) {
      if (callerSignal?.aborted) throw abortedError(callerSignal);
      if (timedOut) lastFailure = `${new URL(url).origin} did not answer within ${formatDuration(options.timeoutMs)} (--request-timeout)`;
      else if (error instanceof RetryableFailure) {
        lastFailure = error.message;
        serverWait = error.retryAfterMs;
      }
      else if (error instanceof MathcoderError) throw error;
      else if (NOT_RETRIED.has(networkCause(error) ?? '')) throw new ServerUnavailableError(describeConnectionFailure(url, error));
      else lastFailure = describeConnectionFailure(url, error);
    } finally {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    }
  }
  const attempts = options.retries + 1;
  throw new ServerUnavailableError(`${lastFailure}${attempts > 1 ? ` (${attempts} attempts)` : ''}`);
}

function headers(options: HttpOptions): Record<string, string> {
  return { 'content-type': 'application/json', accept: 'application/json', ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}) };
}

/** Statuses by which a server says it has no such endpoint. */
const MISSING_ENDPOINT = new Set([404, 405, 501]);

/**
 * POSTs `body` (or GETs without one) and returns the parsed JSON answer, with retries. With `optional`, an
 * endpoint the server does not have gives null.
 */
export function requestJson(url: string, body: unknown, options: HttpOptions, signal?: AbortSignal, optional = false): Promise<unknown> {
  return withRetries(url, options, signal, async (attemptSignal) => {
    const response = await fetch(url, {
      method: body === undefined ? 'GET' : 'POST',
      headers: headers(options),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: attemptSignal,
    });
    if (optional && MISSING_ENDPOINT.has(response.status)) {
      await response.body?.cancel();
      return null;
    }
    await checkResponse(url, response);
    const text = await response.text();
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new RetryableFailure(`${url} answered with something that is not JSON: ${text.slice(0, 80)}`);
    }
  });
}

/** POSTs `body` and hands each `data:` payload of the server-sent-event answer to `onData`, with retries. */
export function requestEventStream<T>(url: string, body: unknown, options: HttpOptions, signal: AbortSignal | undefined, consume: (events: AsyncIterable<string>) => Promise<T>): Promise<T> {
  return withRetries(url, options, signal, async (attemptSignal, alive) => {
    const response = await fetch(url, { method: 'POST', headers: { ...headers(options), accept: 'text/event-stream' }, body: JSON.stringify(body), signal: attemptSignal });
    await checkResponse(url, response);
    if (!response.body) throw new RetryableFailure(`${url} answered without a body`);
    return consume(serverSentEvents(response.body, alive, url));
  });
}

async function* serverSentEvents(body: ReadableStream<Uint8Array>, alive: () => void, url: string): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = '';
  let done = false;
  try {
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
      alive();
      buffer += decoder.decode(chunk, { stream: true });
      let end = buffer.search(/\r?\n\r?\n/);
      while (end >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(buffer.slice(end).match(/^\r?\n\r?\n/)![0].length + end);
        const data = event
          .split(/\r?\n/)
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).replace(/^ /, ''))
          .join('\n');
        if (data === '[DONE]') {
          done = true;
          return;
        }
        if (data !== '') yield data;
        end = buffer.search(/\r?\n\r?\n/);
      }
    }
  } catch (error) {
    if (error instanceof MathcoderError) throw error;
    throw new RetryableFailure(`${new URL(url).origin} closed the stream before the answer ended (${errorMessage(error)})`);
  }
  if (!done) throw new RetryableFailure(`${new URL(url).origin} closed the stream before the answer ended`);
}
