// Copies the non-TypeScript files the library loads at run time (the Python sandbox worker)
// from src/ to dist/, keeping their relative paths.
import { cpSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const assetDirs = ['sandbox/python', 'train/python'];
for (const dir of assetDirs) {
  const from = join(root, 'src', dir);
  const to = join(root, 'dist', dir);
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) {
    if (name.endsWith('.py')) cpSync(join(from, name), join(to, name));
  }
}
