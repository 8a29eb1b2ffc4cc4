import { appendFileSync } from 'node:fs';

/**
 * Module loader hooks that append the URL of every module a process loads to the file named by
 * MATHCODER_MODULE_LOG: tests read it to prove what a command did not load (the sandbox, llama.cpp, the server).
 */
export async function load(url, context, nextLoad) {
  const log = process.env.MATHCODER_MODULE_LOG;
  if (log) appendFileSync(log, `${url}\n`);
  return nextLoad(url, context);
}
