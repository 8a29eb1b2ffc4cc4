import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { MathcoderError } from '../errors.js';

/**
 * The stand-in replay server as a child process (`mathcoder replay-server`), so that serving the published
 * trajectories runs on another core than the evaluation that calls it, as a real model server would.
 */
export interface ReplayServerProcess {
  readonly url: string;
  close(): Promise<void>;
}

export async function startReplayServerProcess(files: readonly string[]): Promise<ReplayServerProcess> {
  const cli = process.argv[1];
  if (!cli) throw new MathcoderError('internal', 'cannot find the mathcoder command to start the replay server');
  // Its standard input is a pipe from this process: if this process dies, even by SIGKILL, the pipe closes and the
  // server stops (--exit-with-stdin), so no server is left behind.
  const child: ChildProcess = spawn(process.execPath, [cli, 'replay-server', ...files, '--protocol', 'openai-completions', '--exit-with-stdin'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    // Its own error is one `mathcoder: …` line: passed on as this process's reason.
    const reason = () => (stderr.trim().split('\n').pop() ?? '').replace(/^mathcoder: /, '');
    child.once('exit', (code) => reject(new MathcoderError('replay', `the replay server exited (code ${code}) before it was ready: ${reason()}`)));
  });
  return {
    url,
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
