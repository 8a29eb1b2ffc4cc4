import { Option, type Command } from 'commander';
import { MathcoderError } from '../errors.js';
import { SYNTAX_NAMES, type SyntaxName } from '../format/index.js';
import { hubConfigFromEnvironment } from '../hub/index.js';
import { BACKEND_KINDS, createBackend, type ModelBackend } from '../llm/create-backend.js';
import { GPU_CHOICES, type GpuChoice } from '../llm/embedded/gpu-choice.js';
import type { StopMode } from '../llm/http/openai-completions-backend.js';
import { DEFAULT_MODEL } from '../llm/model-catalogue.js';
import { resolveModelFile, type ResolvedModel } from '../llm/model-file.js';
import type { BackendKind } from '../llm/types.js';
import { createProgress, formatMegabytes, type ProgressReporter } from '../util/progress.js';
import { positiveInteger, positiveNumber } from './run-command.js';

/**
 * The model flags every command that generates shares: which backend, which model, how to reach it. With
 * `severalServers`, `--base-url` may be repeated (its value is then a list) and `--base-urls-file` reads a list.
 */
export function addBackendFlags(command: Command, options: { extraBackends?: readonly string[]; backendHelp?: string; severalServers?: boolean } = {}): Command {
  command
    .addOption(new Option('--backend <name>', options.backendHelp ?? 'model backend').choices([...BACKEND_KINDS, ...(options.extraBackends ?? [])]).default('embedded'))
    .option('--model <model>', `embedded: a .gguf file, hf:OWNER/REPO/FILE.gguf or a catalogue name (default ${DEFAULT_MODEL}); HTTP backends: the served model's name`);
  if (options.severalServers) {
    command
      .option(
        '--base-url <url>',
        'the model server (HTTP backends), e.g. http://127.0.0.1:8000/v1; repeat it for several servers of one model (requests go to the least busy, a failing one is left out until it answers again)',
        (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
      )
      .option('--base-urls-file <file>', 'several model servers of one model: a file with one URL a line (# starts a comment)');
  } else {
    command.option('--base-url <url>', 'the model server (HTTP backends), e.g. http://127.0.0.1:8000/v1');
  }
  return command
    .option('--api-key <key>', 'bearer token for the server (default: OPENAI_API_KEY)')
    .addOption(
      new Option(
        '--syntax <name>',
        'trajectory syntax (dialect): MathCoder special tokens; ToRA or Qwen2.5-Math Markdown (qwen: stateful session, qwen-stateless: earlier programs re-run); ' +
          'OpenMath-Nemotron <tool_call> tags; Hermes JSON tool calls (Qwen chat template); gpt-oss harmony; ReTool <code>/<interpreter>',
      )
        .choices([...SYNTAX_NAMES])
        .default('mathcoder'),
    )
    .option('--no-bos', 'do not put a BOS token before the prompt')
    .addOption(new Option('--stop-mode <mode>', 'openai-completions: how special-token stops are requested (SPEC 4.5)').choices(['stop-strings', 'stop-token-ids']).default('stop-strings'))
    .option('--context-size <tokens>', "the model's context window (default: the model's or the server's)", positiveInteger('--context-size'))
    .addOption(new Option('--gpu <kind>', 'embedded: run llama.cpp on a GPU (needs the optional CUDA/Vulkan packages)').choices([...GPU_CHOICES]).default('none'))
    .option('--threads <n>', 'embedded: CPU threads (default: 1 for small models, all cores for large ones)', positiveInteger('--threads'))
    .option('--request-timeout <seconds>', 'HTTP backends: the longest wait for an answer', positiveNumber('--request-timeout'), 300)
    .option('--retries <n>', 'HTTP backends: attempts after a failure (429, 5xx, connection lost)', (value) => Number.parseInt(value, 10), 3);
}

export interface BackendFlagValues {
  readonly backend: BackendKind;
  readonly model?: string;
  readonly baseUrl?: string;
  /** Several servers of one model (eval): used as one, in place of baseUrl. */
  readonly baseUrls?: readonly string[];
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

/** A terminal progress bar for a model download, started once the size is known. */
function downloadProgress(label: string): { onProgress: (progress: { receivedBytes: number; totalBytes: number | null }) => void; stop: () => void } {
  let bar: ProgressReporter | null = null;
  return {
    onProgress: ({ receivedBytes, totalBytes }) => {
      if (totalBytes === null) return;
      bar ??= createProgress({ label, total: totalBytes, unit: '', formatValue: formatMegabytes, intervalMs: 10_000 });
      bar.update(receivedBytes);
    },
    stop: () => bar?.stop(),
  };
}

/** The embedded backend's model file: a local path, or downloaded into the cache (once) with a progress bar. */
export async function resolveModelFlag(flags: Pick<BackendFlagValues, 'model'>): Promise<ResolvedModel> {
  const reference = flags.model ?? DEFAULT_MODEL;
  const progress = downloadProgress(`download ${reference}`);
  try {
    return await resolveModelFile(reference, hubConfigFromEnvironment(process.env), { onProgress: progress.onProgress });
  } finally {
    progress.stop();
  }
}

/** Resolves the flags with the environment (HF_TOKEN, HF_ENDPOINT, MATHCODER_CACHE, OPENAI_API_KEY), downloads the model if needed, and connects. */
export async function backendFromFlags(flags: BackendFlagValues, extra: { sequences?: number; resolvedModel?: ResolvedModel } = {}): Promise<ModelBackend> {
  if (!Number.isInteger(flags.retries) || flags.retries < 0) throw new MathcoderError('input', '--retries must be a whole number, 0 or more');
  const common = {
    kind: flags.backend,
    syntax: flags.syntax,
    bos: flags.bos,
    ...(flags.contextSize ? { contextSize: flags.contextSize } : {}),
  };
  if (flags.backend === 'embedded') {
    if (flags.baseUrl || flags.baseUrls?.length) throw new MathcoderError('input', '--base-url is for the HTTP backends; pick one with --backend');
    const resolved = extra.resolvedModel ?? (await resolveModelFlag(flags));
    return createBackend({
      ...common,
      modelPath: resolved.path,
      model: resolved.name,
      gpu: flags.gpu,
      ...(flags.threads ? { threads: flags.threads } : {}),
      ...(extra.sequences ? { sequences: extra.sequences } : {}),
      onLog: (message) => process.stderr.write(`llama.cpp: ${message}\n`),
    });
  }
  const apiKey = flags.apiKey ?? process.env.OPENAI_API_KEY;
  return createBackend({
    ...common,
    ...(flags.baseUrl ? { baseUrl: flags.baseUrl } : {}),
    ...(flags.baseUrls && flags.baseUrls.length > 1
      ? { baseUrls: flags.baseUrls, pool: { onEvent: (message: string) => process.stderr.write(`mathcoder: ${message}\n`) } }
      : {}),
    ...(flags.model ? { model: flags.model } : {}),
    ...(apiKey ? { apiKey } : {}),
    stopMode: flags.stopMode,
    http: { timeoutMs: flags.requestTimeout * 1000, retries: flags.retries },
  });
}
