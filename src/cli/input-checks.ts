import { accessSync, closeSync, constants, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { MathcoderError } from '../errors.js';

/**
 * The checks every command makes of its input before it starts anything heavy (the sandbox, a model, a server):
 * files that exist and are files, folders that are folders, outputs that can be written where they are asked
 * for, free ports and well-formed URLs. Each failure is one line that says what to fix.
 */

function fail(message: string): never {
  throw new MathcoderError('input', message);
}

/** A file to read: it exists, is a file (not a folder) and can be read. `what` names it in the message (a flag, or nothing). */
export function inputFile(path: string, what?: string): void {
  const label = what ? `${what} ${path}` : path;
  if (!existsSync(path)) fail(`cannot read ${label}: no such file`);
  if (statSync(path).isDirectory()) fail(`${label} is a folder: give a file`);
  try {
    accessSync(path, constants.R_OK);
  } catch {
    fail(`cannot read ${label}: permission denied`);
  }
}

const PEEK_BYTES = 64 * 1024;

/** True when the file holds nothing but white space (read up to its first 64 KiB: a longer file is not empty). */
export function isBlankFile(path: string): boolean {
  const size = statSync(path).size;
  if (size === 0) return true;
  if (size > PEEK_BYTES) return false;
  const buffer = Buffer.alloc(size);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buffer, 0, size, 0);
  } finally {
    closeSync(fd);
  }
  return buffer.toString('utf8').trim() === '';
}

/** JSONL files to read, none of them empty. `noun` says what rows they should hold (`training examples`). */
export function inputRowFiles(paths: readonly string[], noun: string, what?: string): void {
  for (const path of paths) {
    inputFile(path, what);
    if (isBlankFile(path)) fail(`${what ? `${what} ` : ''}${path} is empty: it holds no ${noun}`);
  }
}

/** A folder to read. */
export function inputFolder(path: string, what: string): void {
  if (!existsSync(path)) fail(`${what} ${path}: no such folder`);
  if (!statSync(path).isDirectory()) fail(`${what} ${path} is a file: give a folder`);
}

/** The nearest folder that exists at or above `path`, which must be a folder one can write in. */
function checkWritableAncestor(path: string, what: string): void {
  let dir = resolve(path);
  while (!existsSync(dir)) {
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  if (!statSync(dir).isDirectory()) fail(`cannot create ${what} ${path}: ${dir} is a file`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    fail(`cannot create ${what} ${path}: ${dir} is not writable`);
  }
}

/** A folder the command writes into: not an existing file, and creatable where it is. */
export function outputFolder(path: string, what = '--out'): void {
  if (existsSync(path) && !statSync(path).isDirectory()) fail(`${what} ${path} is a file: give a folder (a new one, or one this command wrote before)`);
  checkWritableAncestor(path, what);
}

/** A file the command writes (replacing it): not a folder, and creatable where it is. */
export function outputFile(path: string, what = '--out'): void {
  if (existsSync(path) && statSync(path).isDirectory()) fail(`${what} ${path} is a folder: give a file name`);
  checkWritableAncestor(dirname(resolve(path)), what);
}

/** Two flags that name the same file. */
export function distinctFiles(paths: Readonly<Record<string, string>>): void {
  const seen = new Map<string, string>();
  for (const [flag, path] of Object.entries(paths)) {
    const absolute = resolve(path);
    const other = seen.get(absolute);
    if (other) fail(`${other} and ${flag} name the same file (${path}): give each its own`);
    seen.set(absolute, flag);
  }
}

/** An http(s) address (a model server's). */
export function httpUrl(value: string, what: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    fail(`${what} "${value}" is not a URL: give one like http://127.0.0.1:8000/v1`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail(`${what} "${value}" is not an http(s) URL: give one like http://127.0.0.1:8000/v1`);
}

/** An interpreter named with --python: it must exist (a bare name is looked up on PATH when it runs). */
export function pythonFlag(path: string | undefined, what = '--python'): void {
  if (path === undefined || !path.includes('/')) return;
  if (!existsSync(path)) fail(`${what} ${path}: no such file`);
  if (statSync(path).isDirectory()) fail(`${what} ${path} is a folder: give the interpreter, e.g. /usr/bin/python3`);
}

/** The first four bytes of a GGUF model file. */
const GGUF_MAGIC = 'GGUF';

/** A local model file for llama.cpp: a GGUF file (checked by its first bytes). */
export function ggufFile(path: string, what = '--model'): void {
  inputFile(path, what);
  const buffer = Buffer.alloc(4);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buffer, 0, 4, 0);
  } finally {
    closeSync(fd);
  }
  if (buffer.toString('latin1') !== GGUF_MAGIC) fail(`${what} ${path} is not a GGUF model file (it does not start with "GGUF"): give a .gguf file, a catalogue name or hf:OWNER/REPO/FILE.gguf`);
}

/** Fails unless `host:port` can be listened on now (0 always can). The port is released at once. */
export async function freePort(host: string, port: number, what = '--port'): Promise<void> {
  const problem = await new Promise<string | null>((resolvePromise) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') resolvePromise(`port ${port} on ${host} is in use: pick another with ${what} (0 takes a free one)`);
      else if (error.code === 'EACCES') resolvePromise(`port ${port} on ${host} needs privileges this user lacks: pick one above 1023 with ${what} (0 takes a free one)`);
      else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') resolvePromise(`cannot listen on ${host}: it is not an address of this machine (--host)`);
      else resolvePromise(`cannot listen on ${host}:${port}: ${error.message}`);
    });
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolvePromise(null)));
  });
  if (problem) fail(problem);
}

/** A run folder made by `mathcoder eval --out DIR`: a folder with the run's manifest. */
export function runFolder(dir: string, manifestName: string): void {
  if (!existsSync(dir)) fail(`${dir} is not a run folder: no such folder (make one with mathcoder eval --out DIR)`);
  if (!statSync(dir).isDirectory()) fail(`${dir} is a file, not a run folder (make one with mathcoder eval --out DIR)`);
  if (!existsSync(join(dir, manifestName))) fail(`${dir} is not a run folder: it has no ${manifestName} (make one with mathcoder eval --out DIR)`);
}

/** A run folder, or a folder that holds run folders (the shard folders of one run, made by eval --shard i/n). */
export function runFolderOrShards(dir: string, manifestName: string): void {
  const holdsRuns = () => readdirSync(dir, { withFileTypes: true }).some((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, manifestName)));
  if (existsSync(dir) && statSync(dir).isDirectory() && !existsSync(join(dir, manifestName)) && holdsRuns()) return;
  runFolder(dir, manifestName);
}

/** Socket errors that mean a server cannot be reached at all (nothing listens, the name does not resolve). */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

/**
 * Opens (and closes) a TCP connection to `url`'s host and port: the error when nothing listens there or the host
 * does not resolve, else null (also when it takes longer than `timeoutMs`: the request itself will say more).
 */
export function connectionFailure(url: string, timeoutMs = 3000): Promise<NodeJS.ErrnoException | null> {
  const { hostname, port, protocol } = new URL(url);
  const target = { host: hostname.replace(/^\[|\]$/g, ''), port: Number(port || (protocol === 'https:' ? 443 : 80)) };
  return new Promise((resolvePromise) => {
    const socket = connect(target);
    const done = (error: NodeJS.ErrnoException | null) => {
      clearTimeout(timer);
      socket.destroy();
      resolvePromise(error);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    socket.once('connect', () => done(null));
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code !== undefined && UNREACHABLE.has(error.code) ? error : null));
  });
}
