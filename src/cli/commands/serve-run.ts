import { fileURLToPath } from 'node:url';
import { mathcoderVersion } from '../../eval/index.js';
import type { ModelBackend } from '../../llm/create-backend.js';
import { RunCatalogue, SolveService, startServer, type RunningServer } from '../../server/index.js';
import { backendFromFlags } from '../backend-connect.js';
import { cellTimeoutMs } from '../dialect-settings.js';
import { describeSandbox, startSandbox } from '../sandbox-start.js';
import { serverToken, wantsModel, type ServeFlags } from './serve.js';

/** The built web app beside the CLI in dist/ (dist/cli/commands → dist/view). */
const WEB_APP_DIR = fileURLToPath(new URL('../../view', import.meta.url));

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
  const backend: ModelBackend | null = wantsModel(flags) ? await backendFromFlags(flags, { sequences: flags.concurrency }) : null;
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
