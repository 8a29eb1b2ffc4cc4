import { MathcoderError } from '../../errors.js';

/** A server's root URL and its OpenAI-style `/v1` URL, from what the user gave (either form). */
export interface ServerUrls {
  readonly root: string;
  readonly v1: string;
}

export function serverUrls(baseUrl: string): ServerUrls {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new MathcoderError('input', `--base-url must be an http:// or https:// URL, got "${baseUrl}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new MathcoderError('input', `--base-url must be an http:// or https:// URL, got "${baseUrl}"`);
  const trimmed = url.toString().replace(/\/+$/, '');
  return trimmed.endsWith('/v1') ? { root: trimmed.slice(0, -3), v1: trimmed } : { root: trimmed, v1: `${trimmed}/v1` };
}
