import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's root folder. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** ../shared beside the project (data sets and published trajectories), or MATHCODER_SHARED. */
export const SHARED_DIR = process.env.MATHCODER_SHARED ?? resolve(REPO_ROOT, '..', 'shared');

if (!existsSync(SHARED_DIR)) {
  throw new Error(`the shared folder is missing: expected it at ${SHARED_DIR} (set MATHCODER_SHARED to move it)`);
}

export function sharedPath(...parts: string[]): string {
  return join(SHARED_DIR, ...parts);
}

/** Every published trajectory file (mathcoder-cl-7b/*.jsonl, mathcoder-l-7b/*.jsonl). */
export function trajectoryFiles(): string[] {
  const root = sharedPath('trajectories');
  return readdirSync(root)
    .sort()
    .flatMap((model) =>
      readdirSync(join(root, model))
        .filter((name) => name.endsWith('.jsonl'))
        .sort()
        .map((name) => join(root, model, name)),
    );
}
