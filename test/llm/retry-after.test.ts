import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_RETRY_AFTER_MS, requestJson, retryAfterMs } from '../../src/llm/http/http-request.js';

/** A server whose first answers are 429/503 with the given headers, then `{"ok": true}`; it records when each request came. */
async function rateLimitedServer(refusals: ReadonlyArray<{ status: number; headers: Record<string, string> }>): Promise<{ url: string; times: number[]; server: Server }> {
  const times: number[] = [];
  const server = createServer((request, response) => {
    request.resume();
    times.push(performance.now());
    const refusal = refusals[times.length - 1];
    if (refusal) {
      response.writeHead(refusal.status, { 'content-type': 'application/json', ...refusal.headers }).end(JSON.stringify({ error: { message: 'Rate limit reached for requests' } }));
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok": true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat/completions`, times, server };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('Retry-After', () => {
  it('is read as seconds, as an HTTP date, or as retry-after-ms, and capped', () => {
    const now = Date.parse('2024-05-01T12:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }), now)).toBe(2000);
    expect(retryAfterMs(new Headers({ 'retry-after': '0.5' }), now)).toBe(500);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Wed, 01 May 2024 12:00:03 GMT' }), now)).toBe(3000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Wed, 01 May 2024 11:00:00 GMT' }), now)).toBe(0);
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }), now)).toBe(250);
    expect(retryAfterMs(new Headers({ 'retry-after': '86400' }), now)).toBe(MAX_RETRY_AFTER_MS);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }), now)).toBeNull();
    expect(retryAfterMs(new Headers(), now)).toBeNull();
  });

  it('makes a 429 answer wait as long as the server asks before the next attempt, not the shorter backoff', async () => {
    const { url, times, server } = await rateLimitedServer([{ status: 429, headers: { 'retry-after': '1' } }]);
    servers.push(server);
    expect(await requestJson(url, { model: 'teacher' }, { timeoutMs: 5_000, retries: 2, retryDelayMs: 10 })).toEqual({ ok: true });
    expect(times).toHaveLength(2);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(990);
  });

  it('keeps the exponential backoff when it is longer than the server asks, and for answers without the header', async () => {
    const { url, times, server } = await rateLimitedServer([
      { status: 503, headers: { 'retry-after-ms': '1' } },
      { status: 429, headers: {} },
    ]);
    servers.push(server);
    expect(await requestJson(url, { model: 'teacher' }, { timeoutMs: 5_000, retries: 2, retryDelayMs: 150 })).toEqual({ ok: true });
    expect(times).toHaveLength(3);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(140);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(290);
  });

  it('still gives up after the retries, naming the rate limit', async () => {
    const refusal = { status: 429, headers: { 'retry-after': '0' } };
    const { url, server } = await rateLimitedServer([refusal, refusal, refusal]);
    servers.push(server);
    await expect(requestJson(url, {}, { timeoutMs: 5_000, retries: 2, retryDelayMs: 1 })).rejects.toThrow(/answered HTTP 429: Rate limit reached for requests \(3 attempts\)$/);
  });
});
