import { timingSafeEqual } from 'node:crypto';
import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { MathcoderError, errorMessage } from '../errors.js';
import { ApiError, errorBody } from './api-error.js';
import { hostCheck } from './host-check.js';
import type { HealthInfo } from './api-types.js';
import { addRunRoutes } from './run-routes.js';
import type { RunCatalogue } from './run-catalogue.js';
import { addSolveRoutes } from './solve-routes.js';
import type { SolveService } from './solve-service.js';
import { addWebApp } from './web-app.js';

export interface AppOptions {
  readonly runs: RunCatalogue;
  readonly service: SolveService;
  readonly version: string;
  /** When set, every /v1 request needs `Authorization: Bearer TOKEN`. */
  readonly token: string | null;
  /** The built web app (dist/view); null serves the API alone. */
  readonly webAppDir: string | null;
  /** Names besides the loopback ones the server may be reached by (Host and Origin checks). */
  readonly allowedHosts?: readonly string[];
}

const MAX_BODY_BYTES = 1024 * 1024;
const POST_ONLY = new Set(['/v1/solve', '/v1/execute']);

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function bearerToken(token: string): MiddlewareHandler {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match || !sameSecret(match[1]!.trim(), token)) {
      c.header('www-authenticate', 'Bearer');
      return c.json(errorBody('unauthorized', 'this server needs a bearer token: send Authorization: Bearer TOKEN (the --token the server was started with)'), 401);
    }
    await next();
  };
}

/** The HTTP API (and the web app, when built) as a Hono app: routes, token check, body limit, JSON errors. */
export function createApp(options: AppOptions): Hono {
  const { runs, service } = options;
  const app = new Hono();

  app.onError((error, c) => {
    if (error instanceof ApiError) {
      for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
      return c.json(errorBody(error.code, error.message), error.status);
    }
    if (error instanceof MathcoderError && error.kind === 'input') return c.json(errorBody('bad-request', errorMessage(error)), 400);
    return c.json(errorBody('internal', `internal error: ${errorMessage(error)}`), 500);
  });

  app.use('*', hostCheck({ allowedHosts: options.allowedHosts ?? [], tokenRequired: options.token !== null }));

  app.get('/health', (c) =>
    c.json<HealthInfo>({
      status: 'ok',
      version: options.version,
      model: service.model,
      sandbox: {
        activeSessions: service.sandbox.activeSessions,
        isolation: service.sandbox.info.isolation.method,
        python: service.sandbox.info.python.python,
      },
      solveQueue: service.solveQueue.state,
      executeQueue: service.executeQueue.state,
      runs: runs.size,
    }),
  );

  if (options.token !== null) app.use('/v1/*', bearerToken(options.token));
  app.use(
    '/v1/*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => c.json(errorBody('too-large', `the request body is over ${MAX_BODY_BYTES / 1024} KiB`), 413),
    }),
  );
  addRunRoutes(app, runs);
  addSolveRoutes(app, service);
  app.all('/v1/*', (c) => {
    if (POST_ONLY.has(c.req.path)) return c.json(errorBody('method-not-allowed', `${c.req.path} takes POST with a JSON body`), 405);
    return c.json(errorBody('not-found', `no such endpoint: ${c.req.method} ${c.req.path}`), 404);
  });
  addWebApp(app, options.webAppDir);
  return app;
}
