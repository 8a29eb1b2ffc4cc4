import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';
import type { Hono } from 'hono';
import { getMimeType } from 'hono/utils/mime';

/**
 * The built web app (dist/view, made by `npm run build`): its hashed assets, cached for good, and index.html
 * (never cached) for every other page path, since the app routes in the browser.
 */
export function addWebApp(app: Hono, dir: string | null): void {
  const index = dir === null ? null : join(dir, 'index.html');
  if (dir === null || index === null || !existsSync(index)) {
    app.get('*', (c) => c.text(`the web app is not built${dir ? ` (no ${index})` : ''}: run npm run build, or use the API under /v1`, 404));
    return;
  }
  const assets = join(dir, 'assets');
  app.get('/assets/*', (c) => {
    // The URL path is already normalised (no `..`); the check keeps any other form out of the folder too.
    const path = normalize(join(dir, decodeURIComponent(c.req.path)));
    if (!path.startsWith(assets + sep) || !existsSync(path) || !statSync(path).isFile()) return c.text('not found', 404);
    c.header('content-type', getMimeType(path) ?? 'application/octet-stream');
    c.header('cache-control', 'public, max-age=31536000, immutable');
    return c.body(readFileSync(path));
  });
  app.get('*', (c) => {
    c.header('cache-control', 'no-cache');
    return c.html(readFileSync(index, 'utf8'));
  });
}
