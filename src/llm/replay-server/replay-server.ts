import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MathcoderError, errorMessage } from '../../errors.js';
import { OPENAI_CHAT_PROTOCOL } from './openai-chat-protocol.js';
import { OPENAI_COMPLETIONS_PROTOCOL } from './openai-completions-protocol.js';
import { REPLAY_PROTOCOLS, type ReplayProtocolName } from './protocol-names.js';
import { PublishedIndex } from './published-index.js';
import { ReplayError } from './replay-script.js';
import { SimulatedServing, type ServingModel } from './simulated-serving.js';
import type { ReplayContext, ReplayProtocol, ReplayReply } from './replay-routes.js';
import { ReplayVocabulary } from './replay-vocabulary.js';
import { TGI_PROTOCOL } from './tgi-protocol.js';

/**
 * A stand-in model server on 127.0.0.1 that speaks a real protocol (OpenAI completions as vLLM serves it, OpenAI
 * chat with tools, or TGI) and replays published MathCoder trajectories block by block, so pipelines can be
 * tested offline against the exact model text. Each answer carries its own handling time in `x-replay-ms`.
 */
export { REPLAY_PROTOCOLS, type ReplayProtocolName };

const PROTOCOLS: Record<ReplayProtocolName, ReplayProtocol> = {
  'openai-completions': OPENAI_COMPLETIONS_PROTOCOL,
  'openai-chat': OPENAI_CHAT_PROTOCOL,
  tgi: TGI_PROTOCOL,
};

export interface ReplayServerOptions {
  readonly files: readonly string[];
  readonly protocol: ReplayProtocolName;
  /** 0 (default) takes a free port. */
  readonly port?: number;
  readonly host?: string;
  readonly model?: string;
  readonly contextSize?: number;
  /** Keep every request in `requests` (for tests); off for a long-running server, whose memory would grow. */
  readonly recordRequests?: boolean;
  /** Take the time a real server would (completions only): slots, prefill and per-token time. */
  readonly serving?: ServingModel;
}

export interface ReplayRequestRecord {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
  readonly status: number;
  /** The server's own time for the request, body read to answer written. */
  readonly handlingMs: number;
}

export interface ReplayServer {
  readonly url: string;
  readonly protocol: ReplayProtocolName;
  readonly trajectories: number;
  /** Every request answered, in order (unless recordRequests is false). */
  readonly requests: readonly ReplayRequestRecord[];
  /** With `serving`: the simulated time of every completion served, for capacity bounds. */
  readonly serving: SimulatedServing | null;
  /** Answers a request as the server does (for tests that wrap it in faults). */
  readonly handle: (request: IncomingMessage, response: ServerResponse) => void;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024 ** 2;

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new ReplayError(413, 'request body too large');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ReplayError(400, 'the request body is not JSON');
  }
}

function send(response: ServerResponse, reply: ReplayReply, started: number): void {
  const timing = { 'x-replay-ms': (performance.now() - started).toFixed(3) };
  if ('events' in reply) {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...timing });
    for (const event of reply.events) response.write(`data: ${event}\n\n`);
    response.end();
    return;
  }
  const body = JSON.stringify(reply.json);
  response.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...timing });
  response.end(body);
}

export async function startReplayServer(options: ReplayServerOptions): Promise<ReplayServer> {
  const protocol = PROTOCOLS[options.protocol];
  if (!protocol) throw new MathcoderError('input', `unknown protocol "${options.protocol}"; known: ${REPLAY_PROTOCOLS.join(', ')}`);
  const index = PublishedIndex.load(options.files);
  const context: ReplayContext = {
    index,
    vocabulary: new ReplayVocabulary(),
    model: options.model ?? 'mathcoder-replay',
    contextSize: options.contextSize ?? 16_384,
  };
  const requests: ReplayRequestRecord[] = [];
  const serving = options.serving ? new SimulatedServing(options.serving) : null;

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const started = performance.now();
    const path = new URL(request.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '') || '/';
    const method = request.method ?? 'GET';
    let body: unknown;
    readBody(request)
      .then((parsed) => {
        body = parsed;
        const route = protocol.routes[`${method} ${path}`];
        if (!route) throw new ReplayError(404, `${method} ${path} is not part of the ${options.protocol} protocol`);
        return route(body, context);
      })
      .then(async (reply) => {
        if (serving && reply.work) await serving.serve(reply.work);
        return reply;
      })
      .catch((error: unknown): ReplayReply => {
        const status = error instanceof ReplayError ? error.status : 500;
        return { status, json: protocol.errorBody(status, errorMessage(error)) };
      })
      .then((reply) => {
        send(response, reply, started);
        if (options.recordRequests !== false) requests.push({ method, path, body, status: reply.status, handlingMs: performance.now() - started });
      })
      .catch(() => response.destroy());
  };

  const server: Server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new MathcoderError('input', error.code === 'EADDRINUSE' ? `port ${options.port} is already in use; pick another with --port` : `cannot listen: ${error.message}`)),
    );
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const base = `http://${host}:${address.port}`;
  return {
    url: options.protocol === 'tgi' ? base : `${base}/v1`,
    protocol: options.protocol,
    trajectories: index.size,
    requests,
    serving,
    handle,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
