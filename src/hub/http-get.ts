import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { MathcoderError } from '../errors.js';

export interface HttpGetResponse {
  readonly status: number;
  header(name: string): string | null;
  /** The body as it arrives, in flowing mode through `onData`; resolves when it ends, rejects if cut short. */
  consume(onData: (chunk: Buffer) => void): Promise<void>;
  /** Drops the body (for answers whose body is not wanted). */
  discard(): void;
}

const MAX_REDIRECTS = 10;

/**
 * A GET with node's own HTTP client, following redirects. Chosen over fetch for downloads: fetch's body stream
 * drops the chunks it has queued when the connection breaks off, while here each chunk reaches `onData` as it
 * arrives, before any error, so a download keeps every byte it received.
 */
export async function httpGet(url: string, headers: Record<string, string>, signal?: AbortSignal): Promise<HttpGetResponse> {
  let target = new URL(url);
  for (let hop = 0; hop <= MAX_REDIRECTS; hop += 1) {
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const send = target.protocol === 'https:' ? httpsRequest : target.protocol === 'http:' ? httpRequest : null;
      if (send === null) {
        reject(new MathcoderError('download', `cannot download ${target.href}: only http and https URLs are supported`));
        return;
      }
      // A connection of its own (no keep-alive agent): a download is long, and a pooled socket may be stale.
      const request = send(target, { method: 'GET', headers, agent: false, ...(signal ? { signal } : {}) }, resolve);
      request.on('error', reject);
      request.end();
    });
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if (status >= 300 && status < 400 && location) {
      response.resume();
      const next = new URL(location, target);
      // Credentials go to the host they were meant for, not to where it redirects (the hub redirects to a CDN).
      if (next.host !== target.host) delete headers.authorization;
      target = next;
      continue;
    }
    return {
      status,
      header: (name) => {
        const value = response.headers[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
      },
      consume: (onData) =>
        new Promise<void>((resolve, reject) => {
          let failed = false;
          const fail = (error: Error) => {
            if (failed) return;
            failed = true;
            reject(error);
          };
          response.on('data', onData);
          response.on('aborted', () => fail(new Error('the connection closed early')));
          response.on('error', fail);
          response.on('end', () => {
            if (!response.complete) fail(new Error('the connection closed early'));
            else if (!failed) resolve();
          });
        }),
      discard: () => response.resume(),
    };
  }
  throw new MathcoderError('download', `${url} redirects more than ${MAX_REDIRECTS} times`);
}
