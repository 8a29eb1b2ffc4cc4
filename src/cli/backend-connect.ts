import { MathcoderError } from '../errors.js';
import { HOST_UNREACHABLE, hubCachePath, hubConfigFromEnvironment } from '../hub/index.js';
import { createBackend, type ModelBackend } from '../llm/create-backend.js';
import { DEFAULT_MODEL } from '../llm/model-catalogue.js';
import { parseModelReference, resolveModelFile, type ResolvedModel } from '../llm/model-file.js';
import { createProgress, formatMegabytes, type ProgressReporter } from '../util/progress.js';
import { offlineModelMessage } from './backend-checks.js';
import type { BackendFlagValues } from './backend-flags.js';

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
export async function resolveModelFlag(flags: Pick<BackendFlagValues, 'model'>, flag = '--model'): Promise<ResolvedModel> {
  const reference = flags.model ?? DEFAULT_MODEL;
  const hub = hubConfigFromEnvironment(process.env);
  const progress = downloadProgress(`download ${reference}`);
  try {
    return await resolveModelFile(reference, hub, { onProgress: progress.onProgress });
  } catch (error) {
    const source = parseModelReference(reference);
    if (error instanceof MathcoderError && error.kind === HOST_UNREACHABLE && source.kind === 'hub') {
      throw new MathcoderError(HOST_UNREACHABLE, offlineModelMessage(source.file, hubCachePath(hub.cacheDir, source.file), error.message, flag), { cause: error });
    }
    throw error;
  } finally {
    progress.stop();
  }
}

/** Resolves the flags with the environment (HF_TOKEN, HF_ENDPOINT, MATHCODER_CACHE, OPENAI_API_KEY), downloads the model if needed, and connects. */
export async function backendFromFlags(flags: BackendFlagValues, extra: { sequences?: number; resolvedModel?: ResolvedModel } = {}): Promise<ModelBackend> {
  const common = {
    kind: flags.backend,
    syntax: flags.syntax,
    bos: flags.bos,
    ...(flags.contextSize ? { contextSize: flags.contextSize } : {}),
  };
  if (flags.backend === 'embedded') {
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
  try {
    return await createBackend({
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
  } catch (error) {
    // The library says what is wrong with the address; the command names the flag that gave it.
    if (error instanceof MathcoderError && error.message.includes("check the server's address")) throw new MathcoderError(error.kind, error.message.replace("check the server's address", 'check --base-url'), { cause: error });
    throw error;
  }
}
