import { createReadStream } from 'node:fs';
import { checkReadable } from '../util/jsonl.js';

/** The number of lines of a file (newline characters), read in chunks: the total of a progress bar over a JSONL file. */
export async function countLines(path: string): Promise<number> {
  checkReadable(path);
  let lines = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    for (let index = chunk.indexOf(10); index !== -1; index = chunk.indexOf(10, index + 1)) lines += 1;
  }
  return lines;
}
