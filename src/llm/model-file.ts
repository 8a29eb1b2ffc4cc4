import { existsSync, statSync } from 'node:fs';
import { MathcoderError } from '../errors.js';
import { downloadHubFile, parseHubReference, type DownloadProgress, type HubConfig, type HubFile } from '../hub/index.js';
import { catalogueFile, MODEL_CATALOGUE } from './model-catalogue.js';

/**
 * Where a `--model` reference points: a local GGUF file, `hf:OWNER/REPO/FILE.gguf` on the Hugging Face hub, or
 * a catalogue name. Hub files are downloaded once into the cache (resumable, size and sha256 checked) and
 * found there afterwards.
 */
export type ModelSource = { readonly kind: 'file'; readonly path: string } | { readonly kind: 'hub'; readonly file: HubFile };

export function parseModelReference(reference: string): ModelSource {
  if (reference.startsWith('hf:')) {
    const file = parseHubReference(reference);
    if (!file.path.toLowerCase().endsWith('.gguf')) throw new MathcoderError('input', `${reference} is not a .gguf file; the embedded engine loads GGUF models`);
    return { kind: 'hub', file };
  }
  const known = catalogueFile(reference);
  if (known) return { kind: 'hub', file: known.file };
  if (existsSync(reference)) {
    if (statSync(reference).isDirectory()) throw new MathcoderError('input', `${reference} is a folder; give the path of a .gguf file`);
    return { kind: 'file', path: reference };
  }
  const names = MODEL_CATALOGUE.map((entry) => entry.name).join(', ');
  throw new MathcoderError('input', `model "${reference}" is not a file that exists, an hf:OWNER/REPO/FILE.gguf reference, or a known name (${names})`);
}

export interface ResolvedModel {
  readonly path: string;
  /** How to name the model in records: the reference as given. */
  readonly name: string;
  readonly downloaded: boolean;
}

export interface ResolveOptions {
  readonly onProgress?: (progress: DownloadProgress) => void;
  readonly signal?: AbortSignal;
  /** Download attempts after a network failure (3) and the first wait between them (1 s, doubling). */
  readonly retries?: number;
  readonly retryDelayMs?: number;
}

export async function resolveModelFile(reference: string, hub: HubConfig, options: ResolveOptions = {}): Promise<ResolvedModel> {
  const source = parseModelReference(reference);
  if (source.kind === 'file') return { path: source.path, name: reference, downloaded: false };
  const { onProgress, signal, retries, retryDelayMs } = options;
  const result = await downloadHubFile(hub, source.file, {
    ...(onProgress ? { onProgress } : {}),
    ...(signal ? { signal } : {}),
    ...(retries === undefined ? {} : { retries }),
    ...(retryDelayMs === undefined ? {} : { retryDelayMs }),
  });
  return { path: result.path, name: reference, downloaded: !result.cached };
}
