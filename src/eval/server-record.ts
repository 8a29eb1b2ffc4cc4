import { join } from 'node:path';
import type { ModelBackend } from '../llm/create-backend.js';
import { isPooledBackend } from '../llm/pooled-backend.js';
import { RUN_FILES } from './run-files.js';
import { writeManifest, type RunManifest, type ServerInvocation } from './run-manifest.js';

/**
 * What an evaluation over several model servers records of them: per row, the requests each server answered for
 * it; per invocation, in the manifest, what each server did (requests, failures, tokens, busy time).
 */

/**
 * With several model servers: what each did in this invocation, kept in the manifest (written again every
 * `everyMs` as rows finish, and at the end), after the invocations before it.
 */
export function serverRecorder(backend: ModelBackend, runDir: string, manifest: RunManifest, everyMs = 30_000): { rowDone: () => void; finish: () => void } {
  const pooled = isPooledBackend(backend) ? backend : null;
  if (pooled === null) return { rowDone: () => undefined, finish: () => undefined };
  const startedAt = new Date().toISOString();
  let lastWrite = Date.now();
  const write = () => {
    const invocation: ServerInvocation = { startedAt, endedAt: new Date().toISOString(), servers: pooled.pool.stats() };
    writeManifest(join(runDir, RUN_FILES.manifest), { ...manifest, updatedAt: invocation.endedAt, servers: [...(manifest.servers ?? []), invocation] });
    lastWrite = Date.now();
  };
  return {
    rowDone: () => {
      if (Date.now() - lastWrite >= everyMs) write();
    },
    finish: () => {
      try {
        write();
      } catch {
        // The servers' record is not a result: when the manifest cannot be written now (a full disk), its earlier
        // copy stays, and the error that stopped the run is the one reported.
      }
    },
  };
}

/** The backend one problem is solved with, and the requests each model server answered for it (several servers only). */
export function backendForRow(backend: ModelBackend): { backend: ModelBackend; servers: Record<string, number> | null } {
  if (!isPooledBackend(backend)) return { backend, servers: null };
  const servers: Record<string, number> = {};
  return { backend: backend.forWork((url) => (servers[url] = (servers[url] ?? 0) + 1)), servers };
}
