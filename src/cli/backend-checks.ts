import { existsSync } from 'node:fs';
import { MathcoderError } from '../errors.js';
import type { HubFile } from '../hub/hub-file.js';
import { DEFAULT_MODEL } from '../llm/model-catalogue.js';
import { BACKEND_KINDS } from '../llm/types.js';
import type { BackendFlagNames, BackendFlagValues } from './backend-flags.js';
import { connectionFailure, ggufFile, httpUrl } from './input-checks.js';

/**
 * The model flags checked before anything starts. The modules these checks use (model references, the hub's
 * cache layout, the HTTP error wording) are loaded here, when a command runs, not when its help is shown.
 */

export const PLAIN_NAMES: BackendFlagNames = { backend: '--backend', model: '--model', baseUrl: '--base-url' };

type BackendChoice = Pick<BackendFlagValues, 'backend' | 'model' | 'baseUrl' | 'baseUrls'>;

/** The model servers the flags name: several (eval's repeated --base-url, --base-urls-file) or the one. */
function serverUrls(flags: BackendChoice): readonly string[] {
  if (flags.baseUrls && flags.baseUrls.length > 0) return flags.baseUrls;
  return flags.baseUrl === undefined ? [] : [flags.baseUrl];
}

/**
 * An embedded model is a GGUF file, a catalogue name or a hub reference (a download happens later); an HTTP
 * backend has a well-formed --base-url.
 */
export async function checkBackendFlags(flags: BackendChoice, names: BackendFlagNames = PLAIN_NAMES): Promise<void> {
  if (flags.backend === 'embedded') {
    if (serverUrls(flags).length > 0) throw new MathcoderError('input', `${names.baseUrl} is for the HTTP backends; pick one with ${names.backend} (${BACKEND_KINDS.filter((kind) => kind !== 'embedded').join(', ')})`);
    const { parseModelReference } = await import('../llm/model-file.js');
    let source: ReturnType<typeof parseModelReference>;
    try {
      source = parseModelReference(flags.model ?? DEFAULT_MODEL);
    } catch (error) {
      if (error instanceof MathcoderError && names !== PLAIN_NAMES) throw new MathcoderError(error.kind, `${names.model}: ${error.message}`);
      throw error;
    }
    if (source.kind === 'file') ggufFile(source.path, names.model);
    return;
  }
  const urls = serverUrls(flags);
  if (urls.length === 0) throw new MathcoderError('input', `${names.backend} ${flags.backend} needs the server's address (${names.baseUrl})`);
  for (const url of urls) httpUrl(url, names.baseUrl);
}

/**
 * What to do when a hub model cannot be downloaded because the hub cannot be reached: which file of which
 * repository was wanted, where it would be cached, and the ways around it.
 */
export function offlineModelMessage(file: HubFile, cachePath: string, why: string, flag = '--model'): string {
  return (
    `cannot download ${file.path} from the Hugging Face repository ${file.repo} (${why}); it is not in the cache at ${cachePath}. ` +
    `Put the file there (or set MATHCODER_CACHE, HF_ENDPOINT for a mirror), give a local model with ${flag} PATH.gguf, or use a model server with --backend openai-completions --base-url URL`
  );
}

/**
 * The model's server, or the hub a model must be downloaded from, asked with one TCP connection before anything
 * loads: one that refuses it, or a host name that does not resolve, is said at once. Of several servers of one
 * model, one is enough (the others join when they answer); none is said at once. (A server that answers is asked
 * properly when the backend connects.)
 */
export async function checkBackendReachable(flags: BackendChoice, names: BackendFlagNames = PLAIN_NAMES, prefix = ''): Promise<void> {
  if (flags.backend !== 'embedded') {
    const urls = serverUrls(flags);
    const failures = await Promise.all(urls.map((url) => connectionFailure(url)));
    if (failures.some((failure) => failure === null)) return;
    const { describeConnectionFailure } = await import('../llm/http/http-request.js');
    const said = urls.map((url, index) => describeConnectionFailure(url, failures[index]).replace("check the server's address", `check ${names.baseUrl}`));
    throw new MathcoderError('backend', `${prefix}${said.length === 1 ? said[0] : `none of the ${said.length} model servers can be reached: ${said.join('; ')}`}`);
  }
  const [{ parseModelReference }, { hubConfigFromEnvironment }, { hubCachePath }, { HOST_UNREACHABLE, unreachableHost }] = await Promise.all([
    import('../llm/model-file.js'),
    import('../hub/hub-config.js'),
    import('../hub/hub-file.js'),
    import('../hub/download.js'),
  ]);
  const source = parseModelReference(flags.model ?? DEFAULT_MODEL);
  const hub = hubConfigFromEnvironment(process.env);
  if (source.kind !== 'hub') return;
  const cachePath = hubCachePath(hub.cacheDir, source.file);
  if (existsSync(cachePath)) return;
  const failure = await connectionFailure(hub.endpoint);
  const why = failure ? unreachableHost(hub.endpoint, failure) : null;
  if (why) throw new MathcoderError(HOST_UNREACHABLE, `${prefix}${offlineModelMessage(source.file, cachePath, why, names.model)}`);
}
