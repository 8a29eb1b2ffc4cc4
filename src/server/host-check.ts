import type { MiddlewareHandler } from 'hono';
import { errorBody } from './api-error.js';

/** Names that always mean this machine. */
export const LOOPBACK_NAMES: readonly string[] = ['127.0.0.1', 'localhost', '::1'];

/** The host name of a Host header or an Origin (`evil.example:8080` → `evil.example`, `[::1]:80` → `::1`). */
export function hostName(value: string): string | null {
  let text = value.trim().toLowerCase();
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//.exec(text);
  if (scheme) text = text.slice(scheme[0].length).split('/')[0]!;
  if (text === '' || text === 'null') return null;
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    return end > 0 ? text.slice(1, end) : null;
  }
  return text.replace(/:\d+$/, '').replace(/\.$/, '');
}

function isLoopbackName(name: string): boolean {
  return LOOPBACK_NAMES.includes(name) || /^127\.\d+\.\d+\.\d+$/.test(name);
}

export interface HostPolicy {
  /** Extra names the server may be reached by (--allowed-host), besides the loopback names. */
  readonly allowedHosts: readonly string[];
  /** With a token, any Host is accepted (a page on another site cannot know the token). */
  readonly tokenRequired: boolean;
}

/**
 * Defends the loopback server against web pages in the user's browser:
 * - DNS rebinding: a page on evil.example that makes evil.example resolve to 127.0.0.1 sends `Host: evil.example`;
 *   only loopback names and --allowed-host names are served (unless a token is required anyway);
 * - cross-site requests: a request with an `Origin` that is not one of those names is refused, so a page on another
 *   site can neither run code nor read runs (a `text/plain` form POST needs no CORS preflight, so the Origin check
 *   is what stops it), and a POST must say `Content-Type: application/json`.
 */
export function hostCheck(policy: HostPolicy): MiddlewareHandler {
  const allowed = new Set(policy.allowedHosts.map((name) => hostName(name) ?? name));
  const known = (name: string) => isLoopbackName(name) || allowed.has(name);
  return async (c, next) => {
    const host = hostName(c.req.header('host') ?? '');
    if (!policy.tokenRequired && (host === null || !known(host))) {
      return c.json(errorBody('forbidden-host', `this server answers only to loopback names${allowed.size ? ` and ${[...allowed].join(', ')}` : ''}; start it with --allowed-host NAME to be reached as ${host ?? '(no Host)'}`), 403);
    }
    const originHeader = c.req.header('origin');
    if (originHeader !== undefined) {
      const origin = hostName(originHeader);
      const sameHost = origin !== null && origin === host;
      if (origin === null || !(known(origin) || (policy.tokenRequired && sameHost))) {
        return c.json(errorBody('forbidden-origin', `requests from pages of ${originHeader} are refused (not this server's own pages)`), 403);
      }
    }
    if (c.req.method === 'POST' && !/^application\/json\b/i.test(c.req.header('content-type') ?? '')) {
      return c.json(errorBody('unsupported-media-type', 'send the request body as JSON with Content-Type: application/json'), 415);
    }
    await next();
  };
}
