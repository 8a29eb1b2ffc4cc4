import { existsSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { MathcoderError } from '../errors.js';
import { SYNTAX_NAMES, type SyntaxName } from '../format/syntax.js';
import { GPU_CHOICES, type GpuChoice } from '../llm/embedded/gpu-choice.js';
import { DEFAULT_MODEL, MODEL_CATALOGUE } from '../llm/model-catalogue.js';
import { HOST_UNREACHABLE, unreachableHost } from '../hub/download.js';
import { hubConfigFromEnvironment, type HubConfig } from '../hub/hub-config.js';
import { hubCachePath } from '../hub/hub-file.js';
import { describeConnectionFailure } from '../llm/http/http-request.js';
import { parseModelReference } from '../llm/model-file.js';
import type { StopMode } from '../llm/http/openai-completions-backend.js';
import { BACKEND_KINDS, type BackendKind } from '../llm/types.js';
import { connectionFailure, ggufFile, httpUrl } from './input-checks.js';
import { nonNegativeInteger, positiveInteger, positiveNumber } from './run-command.js';

/** How the openai-completions backend asks a server to stop at MathCoder's special tokens. */
export const STOP_MODES: readonly StopMode[] = ['stop-strings', 'stop-token-ids'];

/** The model catalogue's names, for the help. */
export const CATALOGUE_NAMES = MODEL_CATALOGUE.map((entry) => entry.name).join(', ');

/** The model flags every command that generates shares: which backend, which model, how to reach it. */
export function addBackendFlags(command: Command, options: { extraBackends?: readonly string[]; backendHelp?: string } = {}): Command {
  return command
    .addOption(new Option('--backend <name>', options.backendHelp ?? 'model backend: llama.cpp in this process, or a model server').choices([...BACKEND_KINDS, ...(options.extraBackends ?? [])]).default('embedded'))
    .option('--model <model>', `embedded: a .gguf file, hf:OWNER/REPO/FILE.gguf or a catalogue name (${CATALOGUE_NAMES}; NAME:Q8_0 for another quantisation; default ${DEFAULT_MODEL}); HTTP backends: the served model's name`)
    .option('--base-url <url>', 'the model server (HTTP backends), e.g. http://127.0.0.1:8000/v1')
    .option('--api-key <key>', 'bearer token for the server (default: OPENAI_API_KEY)')
    .addOption(new Option('--syntax <name>', 'trajectory syntax: MathCoder special tokens, or ToRA/Qwen Markdown').choices([...SYNTAX_NAMES]).default('mathcoder'))
    .option('--no-bos', 'do not put a BOS token before the prompt')
    .addOption(new Option('--stop-mode <mode>', 'openai-completions: how the stops at special tokens are sent (as stop strings, or as token ids found with /tokenize)').choices([...STOP_MODES]).default('stop-strings'))
    .option('--context-size <tokens>', "the model's context window (default: the model's or the server's)", positiveInteger('--context-size'))
    .addOption(new Option('--gpu <kind>', 'embedded: run llama.cpp on a GPU (needs the optional CUDA/Vulkan packages)').choices([...GPU_CHOICES]).default('none'))
    .option('--threads <n>', 'embedded: CPU threads (default: 1 for small models, all cores for large ones)', positiveInteger('--threads'))
    .option('--request-timeout <seconds>', 'HTTP backends: the longest wait for an answer', positiveNumber('--request-timeout'), 300)
    .option('--retries <n>', 'HTTP backends: attempts after a failure (429, 5xx, connection lost; never a refused connection or an unknown host)', nonNegativeInteger('--retries'), 3);
}

export interface BackendFlagValues {
  readonly backend: BackendKind;
  readonly model?: string;
  readonly baseUrl?: string;
  readonly apiKey?: string;
  readonly syntax: SyntaxName;
  readonly bos: boolean;
  readonly stopMode: StopMode;
  readonly contextSize?: number;
  readonly gpu: GpuChoice;
  readonly threads?: number;
  readonly requestTimeout: number;
  readonly retries: number;
}

/** The flag names of one set of model flags (the data stages prefix them with the model's role). */
export interface BackendFlagNames {
  readonly backend: string;
  readonly model: string;
  readonly baseUrl: string;
}

const PLAIN_NAMES: BackendFlagNames = { backend: '--backend', model: '--model', baseUrl: '--base-url' };

/**
 * The model flags checked without loading anything: an embedded model is a GGUF file, a catalogue name or a hub
 * reference (a download happens later); an HTTP backend has a well-formed --base-url.
 */
export function checkBackendFlags(flags: Pick<BackendFlagValues, 'backend' | 'model' | 'baseUrl'>, names: BackendFlagNames = PLAIN_NAMES): void {
  if (flags.backend === 'embedded') {
    if (flags.baseUrl !== undefined) throw new MathcoderError('input', `${names.baseUrl} is for the HTTP backends; pick one with ${names.backend} (${BACKEND_KINDS.filter((kind) => kind !== 'embedded').join(', ')})`);
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
  if (flags.baseUrl === undefined) throw new MathcoderError('input', `${names.backend} ${flags.backend} needs the server's address (${names.baseUrl})`);
  httpUrl(flags.baseUrl, names.baseUrl);
}

/**
 * What to do when a hub model cannot be downloaded because the hub cannot be reached: which file of which
 * repository was wanted, where it would be cached, and the ways around it.
 */
export function offlineModelMessage(reference: string, hub: HubConfig, why: string, flag = '--model'): string {
  const source = parseModelReference(reference);
  if (source.kind !== 'hub') return why;
  const { repo, path } = source.file;
  return (
    `cannot download ${path} from the Hugging Face repository ${repo} (${why}); it is not in the cache at ${hubCachePath(hub.cacheDir, source.file)}. ` +
    `Put the file there (or set MATHCODER_CACHE, HF_ENDPOINT for a mirror), give a local model with ${flag} PATH.gguf, or use a model server with --backend openai-completions --base-url URL`
  );
}

/**
 * The model's server, or the hub a model must be downloaded from, asked with one TCP connection before anything
 * loads: one that refuses it, or a host name that does not resolve, is said at once. (A server that answers is
 * asked properly when the backend connects.)
 */
export async function checkBackendReachable(flags: Pick<BackendFlagValues, 'backend' | 'model' | 'baseUrl'>, names: BackendFlagNames = PLAIN_NAMES, prefix = ''): Promise<void> {
  if (flags.backend !== 'embedded') {
    const failure = await connectionFailure(flags.baseUrl!);
    if (failure) throw new MathcoderError('backend', `${prefix}${describeConnectionFailure(flags.baseUrl!, failure).replace("check the server's address", `check ${names.baseUrl}`)}`);
    return;
  }
  const reference = flags.model ?? DEFAULT_MODEL;
  const source = parseModelReference(reference);
  const hub = hubConfigFromEnvironment(process.env);
  if (source.kind !== 'hub' || existsSync(hubCachePath(hub.cacheDir, source.file))) return;
  const failure = await connectionFailure(hub.endpoint);
  const why = failure ? unreachableHost(hub.endpoint, failure) : null;
  if (why) throw new MathcoderError(HOST_UNREACHABLE, `${prefix}${offlineModelMessage(reference, hub, why, names.model)}`);
}
