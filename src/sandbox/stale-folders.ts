import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive, parseIdentity } from '../util/process-identity.js';

/** Every sandbox keeps its socket (and, without namespaces, its sessions' folders) in a folder of this name. */
export const SANDBOX_FOLDER_PREFIX = 'mathcoder-sbx-';
/** The process that owns a sandbox folder ({"pid", "startTime"}). */
export const OWNER_FILE = 'owner.json';
/** A folder without an owner file (made by an older version) is stale once it is this old. */
const UNOWNED_STALE_MS = 60 * 60 * 1000;

/**
 * Removes the sandbox folders that processes which have died left in `folder` (an eval killed with SIGKILL
 * leaves its socket folder behind). A folder whose owner still runs is never touched.
 */
export function removeStaleSandboxFolders(folder: string): void {
  let entries: string[];
  try {
    entries = readdirSync(folder).filter((entry) => entry.startsWith(SANDBOX_FOLDER_PREFIX));
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = join(folder, entry);
    try {
      let stale: boolean;
      try {
        const owner = parseIdentity(readFileSync(join(path, OWNER_FILE), 'utf8'));
        stale = owner === null || !isAlive(owner);
      } catch {
        stale = Date.now() - statSync(path).mtimeMs > UNOWNED_STALE_MS;
      }
      if (stale) rmSync(path, { recursive: true, force: true });
    } catch {
      // gone meanwhile, or not ours to remove
    }
  }
}
