import { join } from 'node:path';
import { MathcoderError } from '../errors.js';

/** A file in a Hugging Face hub repository. */
export interface HubFile {
  readonly repoType: 'model' | 'dataset';
  /** `owner/name`. */
  readonly repo: string;
  readonly path: string;
  /** A branch, tag or commit; `main` by default. */
  readonly revision?: string;
}

const REPO = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

export function checkHubFile(file: HubFile): void {
  if (!REPO.test(file.repo)) throw new MathcoderError('input', `"${file.repo}" is not a hub repository name (expected owner/name)`);
  if (file.path === '' || file.path.split('/').some((part) => part === '' || part === '..' || part === '.')) {
    throw new MathcoderError('input', `"${file.path}" is not a file path inside a repository`);
  }
}

/** The download address the hub serves a file at: `{endpoint}/[datasets/]{repo}/resolve/{revision}/{path}`. */
export function hubFileUrl(endpoint: string, file: HubFile): string {
  checkHubFile(file);
  const prefix = file.repoType === 'dataset' ? 'datasets/' : '';
  const path = file.path.split('/').map(encodeURIComponent).join('/');
  return `${endpoint.replace(/\/+$/, '')}/${prefix}${file.repo}/resolve/${encodeURIComponent(file.revision ?? 'main')}/${path}`;
}

/** Where a hub file is cached: `{cacheDir}/hub/{models|datasets}--{owner}--{name}/{revision}/{path}`. */
export function hubCachePath(cacheDir: string, file: HubFile): string {
  checkHubFile(file);
  const folder = `${file.repoType}s--${file.repo.replace('/', '--')}`;
  return join(cacheDir, 'hub', folder, file.revision ?? 'main', ...file.path.split('/'));
}

/**
 * Reads `hf:OWNER/REPO/PATH` (a model file) or `hf:datasets/OWNER/REPO/PATH`, with an optional `@REVISION`
 * after the repository name.
 */
export function parseHubReference(reference: string): HubFile {
  const body = reference.replace(/^hf:/, '');
  const dataset = body.startsWith('datasets/');
  const parts = (dataset ? body.slice('datasets/'.length) : body).split('/');
  if (parts.length < 3) throw new MathcoderError('input', `"${reference}" is not a hub file reference (expected hf:OWNER/REPO/FILE)`);
  const [owner, nameWithRevision, ...path] = parts;
  const [name, revision] = nameWithRevision!.split('@');
  const file: HubFile = { repoType: dataset ? 'dataset' : 'model', repo: `${owner}/${name}`, path: path.join('/'), ...(revision ? { revision } : {}) };
  checkHubFile(file);
  return file;
}
