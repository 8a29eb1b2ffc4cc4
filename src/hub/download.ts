import { createHash } from 'node:crypto';
import { closeSync, createReadStream, existsSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { MathcoderError, errorMessage } from '../errors.js';
import { httpGet, type HttpGetResponse } from './http-get.js';

/**
 * Downloads one file over HTTPS into a cache, the way the Hugging Face hub client does: bytes go to
 * `FILE.part` as they arrive; an interrupted download resumes from where it stopped (HTTP Range); the file
 * appears under its name only once complete and checked (size, and sha256 when known: given, or the hub's
 * `X-Linked-Etag` for LFS files). A failed download never leaves a file under the final name.
 */

export interface DownloadProgress {
  readonly receivedBytes: number;
  readonly totalBytes: number | null;
}

export interface DownloadOptions {
  readonly url: string;
  readonly destination: string;
  /** Sent as `Authorization: Bearer …` (HF_TOKEN). */
  readonly token?: string;
  readonly expectedSize?: number;
  readonly expectedSha256?: string;
  readonly onProgress?: (progress: DownloadProgress) => void;
  /** Extra attempts after a network failure, each resuming from the bytes already written. */
  readonly retries?: number;
  readonly retryDelayMs?: number;
  readonly signal?: AbortSignal;
}

export interface DownloadResult {
  readonly path: string;
  readonly sizeBytes: number;
  /** The file was already complete in the cache; nothing was fetched. */
  readonly cached: boolean;
  readonly sha256: string | null;
}

const SHA256 = /^[0-9a-f]{64}$/;

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

function sizeOf(path: string): number {
  return existsSync(path) ? statSync(path).size : 0;
}

/** Failures that another attempt a second later would meet again: nothing listens there, or the name does not resolve. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

/** The error kind of a download that could not reach its host (not retried). */
export const HOST_UNREACHABLE = 'network';

/** Why `url`'s host cannot be reached, when `error` (a request's or a socket's) says it cannot be; else null. */
export function unreachableHost(url: string, error: unknown): string | null {
  const cause = (error as { cause?: { code?: string } })?.cause?.code ?? (error as { code?: string })?.code;
  const host = new URL(url).host;
  if (cause === 'ECONNREFUSED') return `cannot reach ${host} (connection refused)`;
  if (cause === 'ENOTFOUND' || cause === 'EAI_AGAIN') return `cannot resolve host ${host}: this machine may be offline`;
  if (cause !== undefined && UNREACHABLE.has(cause)) return `cannot reach ${host} (${cause}): this machine may be offline`;
  return null;
}

function networkFailure(url: string, error: unknown): Error {
  const unreachable = unreachableHost(url, error);
  if (unreachable) return new MathcoderError(HOST_UNREACHABLE, unreachable);
  const cause = (error as { cause?: { code?: string } })?.cause?.code ?? (error as { code?: string })?.code;
  const host = new URL(url).host;
  if (cause === 'UND_ERR_CONNECT_TIMEOUT') return new RetryableError(`cannot reach ${host} (the connection timed out)`);
  return new RetryableError(`download from ${host} failed: ${errorMessage(error)}`);
}

class RetryableError extends Error {}

async function attempt(options: DownloadOptions, part: string): Promise<{ total: number | null; etagSha: string | null }> {
  const already = sizeOf(part);
  const headers: Record<string, string> = { 'user-agent': 'mathcoder' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (already > 0) headers.range = `bytes=${already}-`;
  let response: HttpGetResponse;
  try {
    response = await httpGet(options.url, headers, options.signal);
  } catch (error) {
    if (error instanceof MathcoderError) throw error;
    if (options.signal?.aborted) throw new MathcoderError('download', `download of ${options.url} was cancelled; run again to resume`);
    throw networkFailure(options.url, error);
  }
  const etag = (response.header('x-linked-etag') ?? response.header('etag') ?? '').replace(/^W\//, '').replace(/"/g, '');
  const etagSha = SHA256.test(etag) ? etag : null;
  if (response.status === 416 && already > 0) {
    // The part file already holds every byte.
    response.discard();
    return { total: already, etagSha };
  }
  if (response.status === 401 || response.status === 403) {
    response.discard();
    throw new MathcoderError(
      'download',
      `access to ${options.url} was refused (HTTP ${response.status}): ${options.token ? 'the token in HF_TOKEN has no access to it' : 'it may be gated or private; set HF_TOKEN'}`,
    );
  }
  if (response.status === 404) {
    response.discard();
    throw new MathcoderError('download', `${options.url} does not exist (HTTP 404): check the repository, revision and file name`);
  }
  if (response.status >= 500 || response.status === 429) {
    response.discard();
    throw new RetryableError(`the server answered HTTP ${response.status} for ${options.url}`);
  }
  if (response.status !== 200 && response.status !== 206) {
    response.discard();
    throw new MathcoderError('download', `unexpected HTTP ${response.status} for ${options.url}`);
  }
  const resumed = response.status === 206;
  const start = resumed ? already : 0;
  const rangeTotal = /\/(\d+)$/.exec(response.header('content-range') ?? '')?.[1];
  const length = response.header('content-length');
  const total = rangeTotal !== undefined ? Number(rangeTotal) : length !== null ? start + Number(length) : (options.expectedSize ?? null);
  let received = start;
  options.onProgress?.({ receivedBytes: received, totalBytes: total });
  // The cache folder is made only once there is something to put in it. Each chunk is written as it arrives,
  // before any error is seen: when the connection breaks off, every byte received is kept and the next attempt
  // resumes after it.
  mkdirSync(dirname(part), { recursive: true });
  const file = openSync(part, resumed ? 'a' : 'w');
  try {
    await response.consume((chunk) => {
      writeSync(file, chunk);
      received += chunk.length;
      options.onProgress?.({ receivedBytes: received, totalBytes: total });
    });
  } catch (error) {
    if (options.signal?.aborted) throw new MathcoderError('download', `download of ${options.url} was cancelled; run again to resume`);
    throw new RetryableError(`the download of ${options.url} broke off at ${received} of ${total ?? '?'} bytes (${errorMessage(error)})`);
  } finally {
    closeSync(file);
  }
  if (total !== null && sizeOf(part) < total) {
    throw new RetryableError(`the download of ${options.url} ended early at ${sizeOf(part)} of ${total} bytes`);
  }
  return { total, etagSha };
}

export async function downloadFile(options: DownloadOptions): Promise<DownloadResult> {
  const { destination } = options;
  if (existsSync(destination) && (options.expectedSize === undefined || sizeOf(destination) === options.expectedSize)) {
    const sha = options.expectedSha256 ? await sha256Of(destination) : null;
    if (!options.expectedSha256 || sha === options.expectedSha256) return { path: destination, sizeBytes: sizeOf(destination), cached: true, sha256: sha };
  }
  const part = `${destination}.part`;
  const retries = options.retries ?? 3;
  let lastError: RetryableError | null = null;
  for (let tries = 0; tries <= retries; tries += 1) {
    if (tries > 0) await new Promise((resolve) => setTimeout(resolve, (options.retryDelayMs ?? 1_000) * 2 ** (tries - 1)));
    let outcome: { total: number | null; etagSha: string | null };
    try {
      outcome = await attempt(options, part);
    } catch (error) {
      if (error instanceof RetryableError) {
        lastError = error;
        continue;
      }
      const kept = sizeOf(part);
      if (error instanceof MathcoderError && error.kind === HOST_UNREACHABLE && kept > 0) throw new MathcoderError(HOST_UNREACHABLE, `${error.message}; ${kept} bytes are kept and the next run resumes from there`);
      throw error;
    }
    const size = sizeOf(part);
    const expectedSize = options.expectedSize ?? outcome.total;
    if (expectedSize !== null && expectedSize !== undefined && size !== expectedSize) {
      rmSync(part, { force: true });
      throw new MathcoderError('download', `${options.url} has ${size} bytes, expected ${expectedSize}: the partial file was removed, run again`);
    }
    const expectedSha = options.expectedSha256 ?? outcome.etagSha;
    const sha = await sha256Of(part);
    if (expectedSha && sha !== expectedSha) {
      rmSync(part, { force: true });
      throw new MathcoderError('download', `${options.url} does not match its sha256 (got ${sha}, expected ${expectedSha}): the partial file was removed, run again`);
    }
    renameSync(part, destination);
    return { path: destination, sizeBytes: size, cached: false, sha256: sha };
  }
  const kept = sizeOf(part);
  throw new MathcoderError('download', `${lastError?.message ?? 'download failed'}${kept > 0 ? `; ${kept} bytes are kept and the next run resumes from there` : ''}`);
}
