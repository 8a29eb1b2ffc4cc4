import { Option, type Command } from 'commander';
import { SYNTAX_NAMES, type SyntaxName } from '../format/syntax-names.js';
import { GPU_CHOICES, type GpuChoice } from '../llm/embedded/gpu-choice.js';
import type { StopMode } from '../llm/http/openai-completions-backend.js';
import { DEFAULT_MODEL, MODEL_CATALOGUE } from '../llm/model-catalogue.js';
import { BACKEND_KINDS, type BackendKind } from '../llm/types.js';
import { nonNegativeInteger, positiveInteger, positiveNumber } from './run-command.js';

/** How the openai-completions backend asks a server to stop at MathCoder's special tokens. */
export const STOP_MODES: readonly StopMode[] = ['stop-strings', 'stop-token-ids'];

/** The model catalogue's names, for the help. */
export const CATALOGUE_NAMES = MODEL_CATALOGUE.map((entry) => entry.name).join(', ');

/**
 * The model flags every command that generates shares: which backend, which model, how to reach it. With
 * `severalServers`, `--base-url` may be repeated (its value is then a list) and `--base-urls-file` reads a list.
 */
export function addBackendFlags(command: Command, options: { extraBackends?: readonly string[]; backendHelp?: string; severalServers?: boolean } = {}): Command {
  command
    .addOption(new Option('--backend <name>', options.backendHelp ?? 'model backend: llama.cpp in this process, or a model server').choices([...BACKEND_KINDS, ...(options.extraBackends ?? [])]).default('embedded'))
    .option('--model <model>', `embedded: a .gguf file, hf:OWNER/REPO/FILE.gguf or a catalogue name (${CATALOGUE_NAMES}; NAME:Q8_0 for another quantisation; default ${DEFAULT_MODEL}); HTTP backends: the served model's name`);
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

/** The flag names of one set of model flags (the data stages prefix them with the model's role). */
export interface BackendFlagNames {
  readonly backend: string;
  readonly model: string;
  readonly baseUrl: string;
}
