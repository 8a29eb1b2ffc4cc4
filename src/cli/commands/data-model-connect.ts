import { existsSync } from 'node:fs';
import { readStageManifest } from '../../build-data/stage-manifest.js';
import { modelFileIdentity, type ModelIdentity } from '../../eval/run-manifest.js';
import { MathcoderError } from '../../errors.js';
import type { ModelBackend } from '../../llm/create-backend.js';
import { backendFromFlags, resolveModelFlag } from '../backend-connect.js';
import { roleBaseUrl, roleFlagNames, type ModelRole, type ModelRoleFlags, type SharedModelFlags } from './data-model-flags.js';

export interface ConnectedModel {
  readonly backend: ModelBackend;
  readonly identity: ModelIdentity;
}

/** An error of the shared model code, saying which model failed, with the flags it names spelt as this role's (`--teacher-base-url`). */
function withRoleFlags(error: unknown, role: ModelRole): unknown {
  if (!(error instanceof MathcoderError)) return error;
  const names = roleFlagNames(role);
  const message = error.message.replace(/--base-url\b/g, names.baseUrl).replace(/--api-key\b/g, names.apiKey).replace(/(^|[\s(])--model\b/g, `$1${names.model}`);
  return new MathcoderError(error.kind, `the ${role}: ${message}`, { cause: error });
}

/**
 * Connects a role's model (downloading a GGUF once when needed; a server is asked for its models, so one that
 * cannot be reached fails here) and describes it for the manifest; a model file already hashed in
 * `manifestPath`'s manifest (same path, size and time) is not hashed again.
 */
export async function connectModel(role: ModelRole, flags: ModelRoleFlags, shared: SharedModelFlags, options: { manifestPath: string; sequences: number }): Promise<ConnectedModel> {
  const baseUrl = roleBaseUrl(flags);
  try {
    const resolved = flags.backend === 'embedded' ? await resolveModelFlag({ model: flags.model! }, roleFlagNames(role).model) : null;
    const backend = await backendFromFlags(
      {
        backend: flags.backend,
        model: flags.model!,
        ...(baseUrl ? { baseUrl } : {}),
        ...(flags.apiKey ? { apiKey: flags.apiKey } : {}),
        syntax: flags.syntax,
        bos: true,
        stopMode: 'stop-strings',
        ...(flags.contextSize ? { contextSize: flags.contextSize } : {}),
        gpu: shared.gpu,
        ...(shared.threads ? { threads: shared.threads } : {}),
        requestTimeout: shared.requestTimeout,
        retries: shared.retries,
      },
      { sequences: options.sequences, ...(resolved ? { resolvedModel: resolved } : {}) },
    );
    const known = existsSync(options.manifestPath) ? readStageManifest(options.manifestPath).models[role]?.file : undefined;
    const info = backend.info;
    return {
      backend,
      identity: {
        backend: flags.backend,
        name: info.model,
        ...(resolved ? { file: await modelFileIdentity(resolved.path, known) } : {}),
        ...(baseUrl ? { url: baseUrl } : {}),
        contextSize: info.contextSize,
        bos: info.bos,
        details: info.details,
      },
    };
  } catch (error) {
    throw withRoleFlags(error, role);
  }
}
