import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for a remote chat model (OpenAI `/v1/chat/completions` with tool calling, as GPT-4 Code Interpreter
 * runs are made), on 127.0.0.1. It speaks the real protocol: it validates the request as the API does (model,
 * messages, tool-call ids answered by tool messages, tools offered), answers `chat.completion` objects with
 * `tool_calls` and `usage`, refuses with OpenAI's error bodies, and can rate-limit (429 with Retry-After). What
 * the model says is a script: a function of the conversation so far, so every answer is known in advance.
 * A latency and a capacity (answers prepared at once; more wait in a queue) make it behave like a loaded server
 * for benchmarks.
 */
export interface ScriptedToolCall {
  readonly name?: string;
  /** The arguments text exactly as the model writes it (it may not be JSON). */
  readonly arguments: string;
}

export interface ScriptedTurn {
  readonly content: string | null;
  readonly toolCall?: ScriptedToolCall;
  /** Default: `tool_calls` with a tool call, else `stop`. */
  readonly finishReason?: string;
}

export interface ScriptRequest {
  /** The first user message. */
  readonly question: string;
  /** Whether the request offered tools (a solve), or not (a plain question such as interpolation). */
  readonly tools: boolean;
  /** Assistant messages already in the conversation. */
  readonly round: number;
  readonly toolResults: readonly string[];
  readonly seed: number | null;
  readonly temperature: number | null;
  readonly maxTokens: number | null;
}

export type ChatScript = (request: ScriptRequest) => ScriptedTurn;

export interface ScriptedChatServerOptions {
  readonly script: ChatScript;
  readonly model?: string;
  /** Time to prepare each answer. */
  readonly latencyMs?: number;
  /** Answers prepared at once; further requests queue (default: unlimited). */
  readonly capacity?: number;
  /** The first `requests` chat requests are refused with 429 and `Retry-After: retryAfterSeconds`. */
  readonly rateLimit?: { readonly requests: number; readonly retryAfterSeconds: number };
}

export interface RequestRecord {
  readonly at: number;
  readonly status: number;
  readonly body: Record<string, unknown> | null;
}

export interface ScriptedChatServer {
  readonly url: string;
  readonly requests: RequestRecord[];
  /** Chat requests answered with 200. */
  readonly answered: () => number;
  /** Requests in the server at once (queued or being prepared): the largest, and the mean while any is. */
  readonly concurrency: () => { readonly max: number; readonly meanWhileBusy: number; readonly busyMs: number };
  /** Starts the concurrency figures afresh (between benchmark runs). */
  readonly resetConcurrency: () => void;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type = 'invalid_request_error',
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

interface WireMessage {
  readonly role: string;
  readonly content?: string | null;
  readonly tool_calls?: ReadonlyArray<{ readonly id: string; readonly type: string; readonly function: { readonly name: string; readonly arguments: string } }>;
  readonly tool_call_id?: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Checks the request as the OpenAI API does and returns what the script needs. */
function readRequest(body: unknown, model: string): { request: ScriptRequest; messages: readonly WireMessage[] } {
  if (!isObject(body)) throw new HttpError(400, 'We could not parse the JSON body of your request.');
  if (body.model !== model) throw new HttpError(404, `The model \`${String(body.model)}\` does not exist or you do not have access to it.`, 'model_not_found');
  if (body.stream === true) throw new HttpError(400, 'this stand-in answers without streaming');
  if (!Array.isArray(body.messages) || body.messages.length === 0) throw new HttpError(400, "'messages' must be a non-empty array");
  const tools = body.tools;
  if (tools !== undefined && (!Array.isArray(tools) || tools.length === 0)) throw new HttpError(400, "[] is too short - 'tools'");
  if (body.tool_choice !== undefined && tools === undefined) throw new HttpError(400, "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.");
  const messages = body.messages as WireMessage[];
  const open = new Set<string>();
  for (const [index, message] of messages.entries()) {
    if (!isObject(message) || !['system', 'user', 'assistant', 'tool'].includes(String(message.role))) throw new HttpError(400, `Invalid value for 'messages[${index}].role'`);
    if (message.role === 'tool') {
      if (!message.tool_call_id || !open.delete(message.tool_call_id)) throw new HttpError(400, `messages[${index}]: a message with role 'tool' must be a response to a preceding message with 'tool_calls'`);
      continue;
    }
    if (open.size > 0) throw new HttpError(400, `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...open].join(', ')}`);
    for (const call of message.tool_calls ?? []) open.add(call.id);
  }
  const user = messages.find((message) => message.role === 'user');
  if (typeof user?.content !== 'string') throw new HttpError(400, 'the conversation has no user message');
  const number = (value: unknown) => (typeof value === 'number' ? value : null);
  return {
    messages,
    request: {
      question: user.content,
      tools: Array.isArray(tools),
      round: messages.filter((message) => message.role === 'assistant').length,
      toolResults: messages.filter((message) => message.role === 'tool').map((message) => message.content ?? ''),
      seed: number(body.seed),
      temperature: number(body.temperature),
      maxTokens: number(body.max_tokens) ?? number(body.max_completion_tokens),
    },
  };
}

/** About four characters a token, as for English text. */
const tokens = (text: string) => Math.ceil(text.length / 4);

function completion(turn: ScriptedTurn, messages: readonly WireMessage[], model: string, callNumber: number): Record<string, unknown> {
  const toolCalls = turn.toolCall ? [{ id: `call_${callNumber}`, type: 'function', function: { name: turn.toolCall.name ?? 'python', arguments: turn.toolCall.arguments } }] : undefined;
  const promptTokens = messages.reduce((sum, message) => sum + 4 + tokens(message.content ?? '') + (message.tool_calls ?? []).reduce((calls, call) => calls + tokens(call.function.arguments), 0), 0);
  const completionTokens = tokens(turn.content ?? '') + (turn.toolCall ? tokens(turn.toolCall.arguments) : 0);
  return {
    id: `chatcmpl-${callNumber}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: turn.content, ...(toolCalls ? { tool_calls: toolCalls } : {}), refusal: null }, logprobs: null, finish_reason: turn.finishReason ?? (toolCalls ? 'tool_calls' : 'stop') }],
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
  };
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new HttpError(400, 'We could not parse the JSON body of your request.');
  }
}

function sendJson(response: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(value);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers }).end(text);
}

export async function startScriptedChatServer(options: ScriptedChatServerOptions): Promise<ScriptedChatServer> {
  const model = options.model ?? 'scripted-teacher';
  const requests: RequestRecord[] = [];
  const waiting: Array<() => void> = [];
  let preparing = 0;
  let inServer = 0;
  let maxInServer = 0;
  let busyMs = 0;
  let weighted = 0;
  let lastChange = performance.now();
  let calls = 0;
  let chatRequests = 0;

  const changeInServer = (delta: number) => {
    const now = performance.now();
    if (inServer > 0) {
      weighted += inServer * (now - lastChange);
      busyMs += now - lastChange;
    }
    lastChange = now;
    inServer += delta;
    maxInServer = Math.max(maxInServer, inServer);
  };
  const acquire = () =>
    new Promise<void>((resolve) => {
      if (options.capacity === undefined || preparing < options.capacity) {
        preparing += 1;
        resolve();
      } else waiting.push(resolve);
    });
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else preparing -= 1;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (request.method === 'GET' && path === '/v1/models') {
      request.resume();
      sendJson(response, 200, { object: 'list', data: [{ id: model, object: 'model', created: 0, owned_by: 'scripted' }] });
      return;
    }
    let body: unknown = null;
    changeInServer(1);
    try {
      if (request.method !== 'POST' || path !== '/v1/chat/completions') throw new HttpError(404, `Unknown request URL: ${request.method} ${path}`);
      body = await readBody(request);
      chatRequests += 1;
      if (options.rateLimit && chatRequests <= options.rateLimit.requests) {
        throw new HttpError(429, 'Rate limit reached for requests. Please try again later.', 'requests', { 'retry-after': String(options.rateLimit.retryAfterSeconds) });
      }
      const { request: scriptRequest, messages } = readRequest(body, model);
      await acquire();
      try {
        if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
        const turn = options.script(scriptRequest);
        calls += 1;
        requests.push({ at: performance.now(), status: 200, body: body as Record<string, unknown> });
        sendJson(response, 200, completion(turn, messages, model, calls));
      } finally {
        release();
      }
    } catch (error) {
      const failure = error instanceof HttpError ? error : new HttpError(500, `the script failed: ${(error as Error).message}`, 'server_error');
      requests.push({ at: performance.now(), status: failure.status, body: isObject(body) ? body : null });
      sendJson(response, failure.status, { error: { message: failure.message, type: failure.type, param: null, code: null } }, failure.headers);
    } finally {
      changeInServer(-1);
    }
  };

  const server: Server = createServer((request, response) => void handle(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    answered: () => requests.filter((record) => record.status === 200).length,
    concurrency: () => {
      const now = performance.now();
      const open = inServer > 0 ? now - lastChange : 0;
      const totalBusy = busyMs + open;
      return { max: maxInServer, meanWhileBusy: totalBusy === 0 ? 0 : (weighted + inServer * open) / totalBusy, busyMs: totalBusy };
    },
    resetConcurrency: () => {
      maxInServer = inServer;
      busyMs = 0;
      weighted = 0;
      lastChange = performance.now();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
