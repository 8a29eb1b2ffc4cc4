import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { MathcoderError } from '../../errors.js';
import { hostName } from '../../server/host-check.js';
import { isLoopback } from '../../server/loopback.js';
import { checkBackendFlags, checkBackendReachable } from '../backend-checks.js';
import { addBackendFlags, type BackendFlagValues } from '../backend-flags.js';
import { freePort, inputFile, inputFolder } from '../input-checks.js';
import { nonNegativeInteger, portNumber, positiveInteger, runCommand } from '../run-command.js';
import { addSandboxFlags, checkSandboxFlags, type SandboxFlagValues } from '../sandbox-flags.js';

export interface ServeFlags extends BackendFlagValues, SandboxFlagValues {
  readonly host: string;
  readonly port: number;
  readonly token?: string;
  readonly tokenFile?: string;
  readonly allowedHost: string[];
  readonly concurrency: number;
  readonly queue: number;
}

/** The flags `serve` and `view` share: where to listen, the token, the queue, the model and the sandbox. */
export function addServerFlags(command: Command, defaults: { port: number }): Command {
  command
    .option('--host <address>', 'address to listen on (anything but loopback needs a token: --token-file or MATHCODER_TOKEN)', '127.0.0.1')
    .option('--port <n>', 'port to listen on (0: a free one)', portNumber('--port'), defaults.port)
    .option('--token-file <file>', 'file holding the bearer token every /v1 request must carry (or set MATHCODER_TOKEN)')
    .option('--token <token>', 'the bearer token itself (visible to every user of this machine in its process list: prefer --token-file or MATHCODER_TOKEN)')
    .option('--allowed-host <names...>', 'host names besides 127.0.0.1/localhost/::1 this server may be reached by (Host and Origin checks)', [])
    .option('--concurrency <k>', 'problems solved at once', positiveInteger('--concurrency'), 2)
    .option('--queue <n>', 'solves that may wait for a free slot; more are answered 429', nonNegativeInteger('--queue'), 8);
  return addSandboxFlags(addBackendFlags(command, { backendHelp: 'model backend for POST /v1/solve (none unless --model or --base-url is given)' }));
}

/** Whether the flags ask for a model: without --model or --base-url the server shows runs but does not solve. */
export function wantsModel(flags: ServeFlags): boolean {
  return !(flags.backend === 'embedded' && flags.model === undefined && flags.baseUrl === undefined);
}

/** The bearer token: from --token-file, MATHCODER_TOKEN or --token (in that order of preference), or none. */
export function serverToken(flags: Pick<ServeFlags, 'token' | 'tokenFile'>): string | null {
  if (flags.tokenFile !== undefined) {
    inputFile(flags.tokenFile, '--token-file');
    const token = readFileSync(flags.tokenFile, 'utf8').trim();
    if (token === '') throw new MathcoderError('input', `--token-file ${flags.tokenFile} is empty: put the token in it`);
    return token;
  }
  return flags.token ?? (process.env.MATHCODER_TOKEN?.trim() || null);
}

/** Everything `serve` and `view` can check before a model, the sandbox or the server starts. */
async function checkServerInput(flags: ServeFlags, runDirs: readonly string[]): Promise<void> {
  const token = serverToken(flags);
  if (!isLoopback(flags.host) && token === null) {
    throw new MathcoderError('input', `binding to ${flags.host} lets other machines run code in the sandbox: give a bearer token with --token-file FILE (or MATHCODER_TOKEN)`);
  }
  for (const name of flags.allowedHost) {
    const host = hostName(name);
    if (host === null || !/^[a-z0-9.:_-]+$/.test(host)) throw new MathcoderError('input', `--allowed-host "${name}" is not a host name: give one like mybox.local (a port or scheme is ignored)`);
  }
  for (const dir of runDirs) inputFolder(dir, 'run folder');
  if (wantsModel(flags)) await checkBackendFlags(flags);
  checkSandboxFlags(flags);
  await freePort(flags.host, flags.port);
  if (wantsModel(flags)) await checkBackendReachable(flags);
}

/** Checks the input, then starts the model (if any), the sandbox and the server until SIGINT or SIGTERM. */
export async function serveRuns(flags: ServeFlags, runDirs: readonly string[], onListening?: (url: string) => void): Promise<void> {
  await checkServerInput(flags, runDirs);
  const { runServer } = await import('./serve-run.js');
  await runServer(flags, runDirs, onListening);
}

export function registerServeCommand(program: Command): void {
  const command = program
    .command('serve')
    .description('an HTTP API on this machine: POST /v1/solve (JSON or server-sent events), POST /v1/execute, GET /v1/runs, /v1/runs/:id, /v1/runs/:id/problems, /health')
    .option('--runs <dirs...>', 'run folders (or folders of runs) to serve under /v1/runs', []);
  addServerFlags(command, { port: 8080 }).action((flags: ServeFlags & { runs: string[] }) => runCommand(() => serveRuns(flags, flags.runs)));
}
