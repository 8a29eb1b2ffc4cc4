import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real HTTP server on 127.0.0.1 that misbehaves as model servers do: on chosen paths it answers 500, never
 * answers, or starts an answer and drops the connection; every other request goes to `inner` (a replay server).
 */
export type Fault = 'error-500' | 'error-429' | 'hang' | 'close-mid-answer';

export interface FaultyServer {
  readonly url: string;
  /** Requests seen per path. */
  readonly counts: Map<string, number>;
  close(): Promise<void>;
}

export async function startFaultyServer(options: {
  /** Per path, the faults of its first requests in order (`'ok'` passes one through); later requests pass. */
  readonly faults: Record<string, ReadonlyArray<Fault | 'ok'>>;
  /** Or the same fault on every request to the path. */
  readonly always?: Record<string, Fault>;
  readonly inner: (request: IncomingMessage, response: ServerResponse) => void;
  /** Path prefix the URL should carry (`/v1` for OpenAI-style servers). */
  readonly urlPath?: string;
}): Promise<FaultyServer> {
  const counts = new Map<string, number>();
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const seen = counts.get(path) ?? 0;
    counts.set(path, seen + 1);
    const fault = options.always?.[path] ?? options.faults[path]?.[seen] ?? 'ok';
    if (fault === 'ok') return options.inner(request, response);
    request.resume();
    if (fault === 'error-500' || fault === 'error-429') {
      const status = fault === 'error-500' ? 500 : 429;
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: status === 500 ? 'CUDA out of memory' : 'rate limited' } }));
    } else if (fault === 'hang') {
      hanging.add(response);
    } else {
      response.writeHead(200, { 'content-type': path.endsWith('completions') ? 'text/event-stream' : 'application/json' });
      // Once the part is on its way, the connection is closed without ending the answer (no reset: what was sent
      // arrives).
      response.write(path.endsWith('completions') ? 'data: {"choices":[{"index":0,"text":"<|text|>Half an ans"}]}\n\ndata: {"choi' : '{"generated_text": "Half an ans', () => response.socket?.end());
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${options.urlPath ?? ''}`,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of hanging) response.socket?.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port with nothing listening on it (a server that is down). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
