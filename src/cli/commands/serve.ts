import type { Command } from 'commander';
import { MathcoderError } from '../../errors.js';
import { isLoopback } from '../../server/loopback.js';
import { checkBackendFlags, checkBackendReachable } from '../backend-checks.js';
import { addBackendFlags, type BackendFlagValues } from '../backend-flags.js';
import { freePort, inputFolder } from '../input-checks.js';
import { nonNegativeInteger, portNumber, positiveInteger, runCommand } from '../run-command.js';
import { addSandboxFlags, checkSandboxFlags, type SandboxFlagValues } from '../sandbox-flags.js';

export interface ServeFlags extends BackendFlagValues, SandboxFlagValues {
  readonly host: string;
  readonly port: number;
  readonly token?: string;
  readonly concurrency: number;
  readonly queue: number;
}

/** The flags `serve` and `view` share: where to listen, the token, the queue, the model and the sandbox. */
export function addServerFlags(command: Command, defaults: { port: number }): Command {
  command
    .option('--host <address>', 'address to listen on (anything but loopback needs --token)', '127.0.0.1')
    .option('--port <n>', 'port to listen on (0: a free one)', portNumber('--port'), defaults.port)
    .option('--token <token>', 'bearer token every /v1 request must carry (default: MATHCODER_TOKEN)')
    .option('--concurrency <k>', 'problems solved at once', positiveInteger('--concurrency'), 2)
    .option('--queue <n>', 'solves that may wait for a free slot; more are answered 429', nonNegativeInteger('--queue'), 8);
  return addSandboxFlags(addBackendFlags(command, { backendHelp: 'model backend for POST /v1/solve (none unless --model or --base-url is given)' }));
}

/** Whether the flags ask for a model: without --model or --base-url the server shows runs but does not solve. */
export function wantsModel(flags: ServeFlags): boolean {
  return !(flags.backend === 'embedded' && flags.model === undefined && flags.baseUrl === undefined);
}

/** Everything `serve` and `view` can check before a model, the sandbox or the server starts. */
async function checkServerInput(flags: ServeFlags, runDirs: readonly string[]): Promise<void> {
  const token = flags.token ?? process.env.MATHCODER_TOKEN;
  if (!isLoopback(flags.host) && !token) {
    throw new MathcoderError('input', `binding to ${flags.host} lets other machines run code in the sandbox: give a bearer token with --token (or MATHCODER_TOKEN)`);
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
