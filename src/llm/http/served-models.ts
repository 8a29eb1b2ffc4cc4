import { z } from 'zod';
import type { HttpOptions } from './http-request.js';
import { ServerTokenizer } from './server-tokenizer.js';
import { serverUrls } from './server-url.js';

const modelsSchema = z.looseObject({ data: z.array(z.looseObject({ id: z.string() })) });

/** The model ids an OpenAI-compatible server lists (GET /v1/models), or null when it has no such endpoint. */
export async function listedModels(baseUrl: string, http: HttpOptions): Promise<string[] | null> {
  const listed = await ServerTokenizer.fetchParsed(`${serverUrls(baseUrl).v1}/models`, undefined, http, modelsSchema);
  return listed === null ? null : listed.data.map((entry) => entry.id);
}

/**
 * The model a server serves, as far as it says: `wanted` when its list has it, else the first it lists, else
 * `fallback` (a server without /v1/models).
 */
export async function servedModelName(baseUrl: string, http: HttpOptions, wanted: string | undefined, fallback: string): Promise<string> {
  const ids = await listedModels(baseUrl, http);
  if (ids === null) return fallback;
  if (wanted !== undefined && ids.includes(wanted)) return wanted;
  return ids[0] ?? fallback;
}
