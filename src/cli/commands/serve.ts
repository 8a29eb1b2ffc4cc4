import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError, type Command } from 'commander';
import { MathcoderError, errorMessage } from '../../errors.js';
import { mathcoderVersion } from '../../eval/index.js';
import type { ModelBackend } from '../../llm/create-backend.js';
import { RunCatalogue, SolveService, startServer, type RunningServer } from '../../server/index.js';
import { addBackendFlags, backendFromFlags, type BackendFlagValues } from '../backend-flags.js';
import { nonNegativeInteger, positiveInteger, runCommand } from '../run-command.js';
import { addSandboxFlags, cellTimeoutMs, describeSandbox, startSandbox, type SandboxFlagValues } from '../sandbox-flags.js';

export interface ServeFlags extends BackendFlagValues, SandboxFlagValues {
  readonly host: string;
  readonly port: number;
  readonly token?: string;
  readonly tokenFile?: string;
  readonly allowedHost: string[];
  readonly concurrency: number;
  readonly queue: number;
}

/** The built web app beside the CLI in dist/ (dist/cli/commands → dist/view). */
const WEB_APP_DIR = fileURLToPath(new URL('../../view', import.meta.url));

function port(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0 || number > 65535) throw new InvalidArgumentError('--port must be a port number (0 takes a free one).');
  return number;
}

/** The flags `serve` and `view` share: where to listen, the token, the queue, the model and the sandbox. */
export function addServerFlags(command: Command, defaults: { port: number }): Command {
  command
    .option('--host <address>', 'address to listen on (anything but loopback needs --token)', '127.0.0.1')
    .option('--port <n>', 'port to listen on (0: a free one)', port, defaults.port)
    .option('--token-file <file>', 'file holding the bearer token every /v1 request must carry (or set MATHCODER_TOKEN)')
    .option('--token <token>', 'the bearer token itself (visible to every user of this machine in its process list: prefer --token-file or MATHCODER_TOKEN)')
    .option('--allowed-host <names...>', 'host names besides 127.0.0.1/localhost/::1 this server may be reached by (Host and Origin checks)', [])
    .option('--concurrency <k>', 'problems solved at once', positiveInteger('--concurrency'), 2)
    .option('--queue <n>', 'solves that may wait for a free slot; more are answered 429', nonNegativeInteger('--queue'), 8);
  return addSandboxFlags(addBackendFlags(command, { backendHelp: 'model backend for POST /v1/solve (none unless --model or --base-url is given)' }));
}

/** A model only when one is asked for: without --model or --base-url the server shows runs but does not solve. */
async function optionalBackend(flags: ServeFlags): Promise<ModelBackend | null> {
  if (flags.backend === 'embedded' && flags.model === undefined) return null;
  return backendFromFlags(flags, { sequences: flags.concurrency });
}

/** The bearer token: from --token-file, MATHCODER_TOKEN or --token (in that order of preference), or none. */
export function serverToken(flags: Pick<ServeFlags, 'token' | 'tokenFile'>): string | null {
  if (flags.tokenFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(flags.tokenFile, 'utf8');
    } catch (error) {
      throw new MathcoderError('input', `cannot read --token-file ${flags.tokenFile}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : errorMessage(error)}`);
    }
    const token = text.trim();
    if (token === '') throw new MathcoderError('input', `--token-file ${flags.tokenFile} is empty: put the token in it`);
    return token;
  }
  return flags.token ?? (process.env.MATHCODER_TOKEN?.trim() || null);
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

/**
 * Starts the model (if any), the sandbox and the server; prints the URL as the first line of standard output
 * (what scripts read) and the rest on standard error; runs until SIGINT or SIGTERM.
 */
export async function runServer(flags: ServeFlags, runDirs: readonly string[], onListening: (url: string) => void = () => undefined): Promise<void> {
  const runs = RunCatalogue.open(runDirs);
  const token = serverToken(flags);
  const backend = await optionalBackend(flags);
  let server: RunningServer | null = null;
  try {
    const sandbox = await startSandbox(flags, { poolSize: 2 });
    try {
      const service = new SolveService({
        backend,
        syntax: flags.syntax,
        sandbox,
        cellTimeoutMs: cellTimeoutMs(flags, flags.syntax),
        solveQueue: { concurrency: flags.concurrency, maxWaiting: flags.queue },
        executeQueue: { concurrency: 2, maxWaiting: 8 },
      });
      server = await startServer({ host: flags.host, port: flags.port, token, runs, service, version: mathcoderVersion(), webAppDir: WEB_APP_DIR, allowedHosts: flags.allowedHost });
      const url = token === null ? server.url : `${server.url}?token=${encodeURIComponent(token)}`;
      process.stdout.write(`${url}\n`);
      process.stderr.write(`runs: ${runs.size} from ${runDirs.length === 0 ? '(none given)' : runDirs.join(', ')}\n`);
      process.stderr.write(backend ? `model: ${backend.info.model} (${backend.info.kind}), ${flags.concurrency} at once, ${flags.queue} may wait\n` : 'model: none (POST /v1/solve answers 503; give --model FILE.gguf, or --backend and --base-url, to solve)\n');
      process.stderr.write(`sandbox: ${describeSandbox(sandbox.info)}\n`);
      onListening(url);
      await waitForSignal();
      await server.close();
    } finally {
      await sandbox.close();
    }
  } finally {
    await backend?.close();
  }
}

export function registerServeCommand(program: Command): void {
  const command = program
    .command('serve')
    .description('an HTTP API on this machine: POST /v1/solve (JSON or server-sent events), POST /v1/execute, GET /v1/runs, /v1/runs/:id, /v1/runs/:id/problems, /health')
    .option('--runs <dirs...>', 'run folders (or folders of runs) to serve under /v1/runs', []);
  addServerFlags(command, { port: 8080 }).action((flags: ServeFlags & { runs: string[] }) => runCommand(() => runServer(flags, flags.runs)));
}
