import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where and how to reach the Hugging Face hub; resolved once from flags and the environment by the CLI. */
export interface HubConfig {
  /** `HF_ENDPOINT`, default https://huggingface.co (a mirror, or a test server on 127.0.0.1). */
  readonly endpoint: string;
  /** `HF_TOKEN` (or `HUGGING_FACE_HUB_TOKEN`) for gated or private repositories. */
  readonly token?: string;
  /** The folder downloads are cached in. */
  readonly cacheDir: string;
}

export const DEFAULT_HF_ENDPOINT = 'https://huggingface.co';

/** mathcoder's cache folder: MATHCODER_CACHE, else $XDG_CACHE_HOME/mathcoder, else ~/.cache/mathcoder. */
export function defaultCacheDir(env: Record<string, string | undefined>): string {
  if (env.MATHCODER_CACHE) return env.MATHCODER_CACHE;
  return join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'mathcoder');
}

export function hubConfigFromEnvironment(env: Record<string, string | undefined>): HubConfig {
  const token = env.HF_TOKEN ?? env.HUGGING_FACE_HUB_TOKEN;
  return {
    endpoint: (env.HF_ENDPOINT ?? DEFAULT_HF_ENDPOINT).replace(/\/+$/, ''),
    ...(token ? { token } : {}),
    cacheDir: defaultCacheDir(env),
  };
}
