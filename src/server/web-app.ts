import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono } from 'hono';

/**
 * The built web app (dist/view, made by `npm run build`): its files, and index.html for every other page path
 * (the app routes in the browser). Hashed assets are cached for good; index.html never.
 */
export function addWebApp(app: Hono, dir: string | null): void {
  const index = dir === null ? null : join(dir, 'index.html');
  if (dir === null || index === null || !existsSync(index)) {
    app.get('*', (c) => c.text(`the web app is not built${dir ? ` (no ${index})` : ''}: run npm run build, or use the API under /v1`, 404));
    return;
  }
  app.use(
    '/assets/*',
    serveStatic({
      root: dir,
      onFound: (_path, c) => {
        c.header('cache-control', 'public, max-age=31536000, immutable');
      },
    }),
  );
  app.get('*', (c) => {
    c.header('cache-control', 'no-cache');
    return c.html(readFileSync(index, 'utf8'));
  });
}
