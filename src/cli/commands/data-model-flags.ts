import { Option, type Command } from 'commander';
import { MathcoderError } from '../../errors.js';
import { SYNTAX_NAMES, type SyntaxName } from '../../format/syntax-names.js';
import { GPU_CHOICES, type GpuChoice } from '../../llm/embedded/gpu-choice.js';
import { BACKEND_KINDS, type BackendKind } from '../../llm/types.js';
import { checkBackendFlags, checkBackendReachable } from '../backend-checks.js';
import { nonNegativeInteger, positiveInteger, positiveNumber } from '../run-command.js';

/**
 * The two models of the data stages, each with its own flags: the teacher (`--teacher MODEL`, by default an
 * OpenAI-compatible chat model with a python tool, as GPT-4 Code Interpreter was) and the student of
 * self-distillation (`--student MODEL`, by default a GGUF run by the embedded engine, as MathCoder-Initial was).
 */
export type ModelRole = 'teacher' | 'student';

const DEFAULT_BACKEND: Record<ModelRole, BackendKind> = { teacher: 'openai-chat', student: 'embedded' };
export const OPENAI_BASE_URL = 'https://api.openai.com/v1';

export function addModelFlags(command: Command, role: ModelRole): Command {
  return command
    .option(`--${role} <model>`, `the ${role}: a served model's name (HTTP backends), or a .gguf file, hf:OWNER/REPO/FILE.gguf or catalogue name (embedded)`)
    .addOption(new Option(`--${role}-backend <name>`, `the ${role}'s backend`).choices([...BACKEND_KINDS]).default(DEFAULT_BACKEND[role]))
    .option(`--${role}-base-url <url>`, `the ${role}'s server (default for openai-chat: OPENAI_BASE_URL or ${OPENAI_BASE_URL})`)
    .option(`--${role}-api-key <key>`, `bearer token for the ${role}'s server (default: OPENAI_API_KEY)`)
    .addOption(new Option(`--${role}-syntax <name>`, `prompt format of a completion-model ${role}`).choices([...SYNTAX_NAMES]).default('mathcoder'))
    .option(`--${role}-context-size <tokens>`, `the ${role}'s context window (default: the model's or the server's)`, positiveInteger(`--${role}-context-size`));
}

/** Flags the models share: how HTTP requests and the embedded engine behave. */
export function addSharedModelFlags(command: Command): Command {
  return command
    .option('--request-timeout <seconds>', 'HTTP backends: the longest wait for an answer', positiveNumber('--request-timeout'), 300)
    .option('--retries <n>', 'HTTP backends: attempts after a failure (429 honouring Retry-After, 5xx, connection lost; never a refused connection or an unknown host)', nonNegativeInteger('--retries'), 3)
    .addOption(new Option('--gpu <kind>', 'embedded: run llama.cpp on a GPU').choices([...GPU_CHOICES]).default('none'))
    .option('--threads <n>', 'embedded: CPU threads', positiveInteger('--threads'));
}

export interface SharedModelFlags {
  readonly requestTimeout: number;
  readonly retries: number;
  readonly gpu: GpuChoice;
  readonly threads?: number;
}

export interface ModelRoleFlags {
  readonly model?: string;
  readonly backend: BackendKind;
  readonly baseUrl?: string;
  readonly apiKey?: string;
  readonly syntax: SyntaxName;
  readonly contextSize?: number;
}

/** The flags of one role, read from commander's camel-cased option values. */
export function roleFlags(flags: Record<string, unknown>, role: ModelRole): ModelRoleFlags {
  const value = <T>(suffix: string) => flags[`${role}${suffix}`] as T | undefined;
  return {
    ...(value<string>('') === undefined ? {} : { model: value<string>('')! }),
    backend: value<BackendKind>('Backend') ?? DEFAULT_BACKEND[role],
    ...(value<string>('BaseUrl') === undefined ? {} : { baseUrl: value<string>('BaseUrl')! }),
    ...(value<string>('ApiKey') === undefined ? {} : { apiKey: value<string>('ApiKey')! }),
    syntax: value<SyntaxName>('Syntax') ?? 'mathcoder',
    ...(value<number>('ContextSize') === undefined ? {} : { contextSize: value<number>('ContextSize')! }),
  };
}

/** The server of a role: its --ROLE-base-url, or for a chat model OPENAI_BASE_URL or OpenAI's own. */
export function roleBaseUrl(flags: ModelRoleFlags): string | undefined {
  return flags.baseUrl ?? (flags.backend === 'openai-chat' ? process.env.OPENAI_BASE_URL || OPENAI_BASE_URL : undefined);
}

/** A role's flags under their own names: `--teacher-base-url`, not `--base-url`. */
export function roleFlagNames(role: ModelRole): { backend: string; model: string; baseUrl: string; apiKey: string } {
  return { backend: `--${role}-backend`, model: `--${role}`, baseUrl: `--${role}-base-url`, apiKey: `--${role}-api-key` };
}

/**
 * A role's model checked before anything starts: it is named, its flags fit its backend, and OpenAI's own server
 * is given a key (it answers nothing without one).
 */
export async function checkRoleModel(role: ModelRole, flags: ModelRoleFlags, command: string): Promise<void> {
  if (flags.model === undefined) {
    const example = role === 'teacher' ? '--teacher gpt-4o (an OpenAI-compatible chat model; --teacher-base-url for another server)' : '--student model.gguf (or --student-backend openai-completions --student-base-url URL --student NAME)';
    throw new MathcoderError('input', `data ${command} needs a ${role}: ${example}`);
  }
  const names = roleFlagNames(role);
  const baseUrl = roleBaseUrl(flags);
  await checkBackendFlags({ backend: flags.backend, model: flags.model, ...(baseUrl === undefined ? {} : { baseUrl }) }, names);
  if (baseUrl !== undefined && new URL(baseUrl).hostname === new URL(OPENAI_BASE_URL).hostname && !(flags.apiKey ?? process.env.OPENAI_API_KEY)) {
    throw new MathcoderError('input', `the ${role} ${flags.model} is served by ${baseUrl}, which needs an API key: set OPENAI_API_KEY or pass ${names.apiKey} (or point ${names.baseUrl} at another server)`);
  }
}

/** A role's server (or the hub its model comes from) reached with one TCP connection: one that is down is said at once. */
export async function checkRoleReachable(role: ModelRole, flags: ModelRoleFlags): Promise<void> {
  const baseUrl = roleBaseUrl(flags);
  await checkBackendReachable({ backend: flags.backend, ...(flags.model === undefined ? {} : { model: flags.model }), ...(baseUrl === undefined ? {} : { baseUrl }) }, roleFlagNames(role), `the ${role}: `);
}
