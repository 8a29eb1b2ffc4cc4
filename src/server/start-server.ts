import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { MathcoderError, errorMessage } from '../errors.js';
import { createApp, type AppOptions } from './create-app.js';
import { isLoopback } from './loopback.js';

export interface ServerOptions extends AppOptions {
  readonly host: string;
  /** 0 takes a free port. */
  readonly port: number;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  /** Cancels the jobs in flight, stops accepting connections and waits for open ones to end. */
  close(): Promise<void>;
}

export { isLoopback };

/**
 * Starts the API on `host:port`. Anything but a loopback address needs a token: the API runs code in the sandbox
 * for whoever can reach it.
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  if (!isLoopback(options.host) && options.token === null) {
    throw new MathcoderError('input', `binding to ${options.host} lets other machines run code in the sandbox: give a bearer token with --token-file FILE (or MATHCODER_TOKEN)`);
  }
  const app = createApp(options);
  const server = createAdaptorServer({ fetch: app.fetch, hostname: options.host, port: options.port }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new MathcoderError('input', `port ${options.port} on ${options.host} is in use: pick another with --port (0 takes a free one)`));
      else if (error.code === 'EADDRNOTAVAIL') reject(new MathcoderError('input', `cannot listen on ${options.host}: it is not an address of this machine (--host)`));
      else reject(new MathcoderError('server', `cannot listen on ${options.host}:${options.port}: ${errorMessage(error)}`));
    });
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}/`,
    port,
    close: async () => {
      options.service.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // Streams end as their solves see the cancellation; anything left after a moment is cut.
        setTimeout(() => server.closeAllConnections(), 2000).unref();
      });
    },
  };
}
