import { renameSync, writeFileSync } from 'node:fs';
import { MathcoderError, errorMessage } from '../errors.js';

/** A whole file written under a temporary name and renamed, so a crash never leaves half of it. */
export function writeFileAtomically(path: string, text: string): void {
  const temporary = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === 'ENOSPC' ? 'the disk is full' : errorMessage(error);
    throw new MathcoderError('output', `cannot write ${path}: ${why}`);
  }
}

/** JSON, indented for a person to read, written atomically. */
export function writeJsonAtomically(path: string, value: unknown): void {
  writeFileAtomically(path, JSON.stringify(value, null, 2) + '\n');
}
