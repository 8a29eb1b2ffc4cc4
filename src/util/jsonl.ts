import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { MathcoderError, errorMessage } from '../errors.js';

export interface JsonlLine {
  /** 1-based line number in the file. */
  readonly lineNumber: number;
  readonly value: unknown;
}

/** Fails with one line unless `path` is a file that exists (a folder, or nothing, is named as such). */
export function checkReadable(path: string): void {
  if (!existsSync(path)) throw new MathcoderError('input', `cannot read ${path}: no such file`);
  if (statSync(path).isDirectory()) throw new MathcoderError('input', `cannot read ${path}: it is a directory, not a JSONL file`);
}

function parseLine(path: string, lineNumber: number, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new MathcoderError('input', `${path}:${lineNumber}: not valid JSON (${errorMessage(error)})`);
  }
}

/** Streams the non-empty lines of a JSON Lines file; a malformed line is an error naming file and line. */
export async function* readJsonl(path: string): AsyncGenerator<JsonlLine> {
  checkReadable(path);
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber += 1;
    if (line.trim() === '') continue;
    yield { lineNumber, value: parseLine(path, lineNumber, line) };
  }
}

/** Reads a whole JSON Lines file at once. */
export function readJsonlSync(path: string): JsonlLine[] {
  checkReadable(path);
  const result: JsonlLine[] = [];
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, index) => {
      if (line.trim() !== '') result.push({ lineNumber: index + 1, value: parseLine(path, index + 1, line) });
    });
  return result;
}

/** One JSON value on one line, as JSONL writers must write it. */
export function toJsonlLine(value: unknown): string {
  return JSON.stringify(value) + '\n';
}
