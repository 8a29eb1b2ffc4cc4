import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/**
 * `npm test` proves each point on the fewest rows that prove it; `npm run test:full` (MATHCODER_FULL_TESTS=1)
 * runs the same tests on everything (the whole published files, every kill of the crash test).
 */
export const FULL_TESTS = process.env.MATHCODER_FULL_TESTS === '1';

/** `full` under `npm run test:full`, else `slice`. */
export function scaled(slice: number, full: number): number {
  return FULL_TESTS ? full : slice;
}

/**
 * The first `rows` lines of a JSON Lines file, written under `folder` with the same file name (names say which
 * dataset a published file is from); with `rows` null, the file itself.
 */
export function headOfFile(file: string, rows: number | null, folder: string): string {
  if (rows === null) return file;
  mkdirSync(folder, { recursive: true });
  const target = join(folder, basename(file));
  const lines = readFileSync(file, 'utf8').split('\n').filter((line) => line.trim() !== '');
  writeFileSync(target, lines.slice(0, rows).map((line) => `${line}\n`).join(''));
  return target;
}
