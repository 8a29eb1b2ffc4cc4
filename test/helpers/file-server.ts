import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real HTTP server on 127.0.0.1 serving files the test makes, as the Hugging Face hub serves them:
 * Range requests (206 with Content-Range), `X-Linked-Etag` with the sha256, optional bearer-token check,
 * and an optional break-off after N bytes on the first request of a path (to test resumed downloads).
 */
export interface FileServerOptions {
  readonly files: Record<string, Buffer | string>;
  readonly requireToken?: string;
  /** Close the connection after this many bytes, on the first request for each path. */
  readonly breakAfterBytes?: number;
  readonly sendSha256?: boolean;
}

export interface FileServer {
  readonly url: string;
  readonly requests: Array<{ path: string; range: string | undefined; authorization: string | undefined }>;
  close(): Promise<void>;
}

export async function startFileServer(options: FileServerOptions): Promise<FileServer> {
  const requests: FileServer['requests'] = [];
  const broken = new Set<string>();
  const handler = (request: IncomingMessage, response: ServerResponse) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    requests.push({ path, range: request.headers.range, authorization: request.headers.authorization });
    if (options.requireToken && request.headers.authorization !== `Bearer ${options.requireToken}`) {
      response.writeHead(401).end('unauthorized');
      return;
    }
    const content = options.files[path];
    if (content === undefined) {
      response.writeHead(404).end('not found');
      return;
    }
    const body = Buffer.isBuffer(content) ? content : Buffer.from(content);
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream', 'accept-ranges': 'bytes' };
    if (options.sendSha256 !== false) headers['x-linked-etag'] = `"${createHash('sha256').update(body).digest('hex')}"`;
    let start = 0;
    const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
    if (range) {
      start = Number(range[1]);
      if (start >= body.length) {
        response.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
        return;
      }
      response.writeHead(206, { ...headers, 'content-length': String(body.length - start), 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` });
    } else {
      response.writeHead(200, { ...headers, 'content-length': String(body.length) });
    }
    const slice = body.subarray(start);
    if (options.breakAfterBytes !== undefined && !broken.has(path)) {
      broken.add(path);
      // End the connection once those bytes are written (FIN, not RST: a reset could discard bytes the client
      // has not read yet, and the client would see a different failure on a slow machine).
      response.write(slice.subarray(0, options.breakAfterBytes), () => response.socket?.end());
      return;
    }
    response.end(slice);
  };
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
