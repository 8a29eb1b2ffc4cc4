import { MathcoderError } from '../../errors.js';
import { startReplayServer } from '../../llm/replay-server/replay-server.js';
import type { ReplayServerFlags } from './replay-server.js';

/** Serves the trajectories until SIGINT or SIGTERM (or, with --exit-with-stdin, until standard input closes). */
export async function runReplayServer(files: readonly string[], flags: ReplayServerFlags): Promise<void> {
  const server = await startReplayServer({
    files,
    protocol: flags.protocol,
    port: flags.port,
    host: flags.host,
    model: flags.model,
    contextSize: flags.contextSize,
    recordRequests: false,
  });
  if (server.trajectories === 0) {
    await server.close();
    throw new MathcoderError('input', `${files.join(', ')} hold no trajectories to replay`);
  }
  process.stdout.write(`${server.url}\n`);
  process.stderr.write(`replaying ${server.trajectories} trajectories over ${server.protocol}; stop with Ctrl-C\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
    if (flags.exitWithStdin) {
      process.stdin.once('end', resolve);
      process.stdin.once('close', resolve);
      process.stdin.resume();
    }
  });
  process.stdin.destroy();
  await server.close();
}
