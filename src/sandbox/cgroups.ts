import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive, type ProcessIdentity } from '../util/process-identity.js';

/**
 * The control groups a sandbox gives its sessions: a folder of the sandbox's own in the memory and pids
 * hierarchies (cgroup v1) or in a delegated cgroup v2 tree, in which the zygote makes one group per session
 * with the session's memory and process limits. Null where the machine does not allow it (not root, no
 * controllers, a read-only cgroup file system): the zygote then watches memory itself.
 */
export type SandboxCgroups =
  | { readonly version: 1; readonly memory: string | null; readonly pids: string | null }
  | { readonly version: 2; readonly root: string };

const PREFIX = 'mathcoder-sbx-';

interface Mount {
  readonly point: string;
  readonly type: string;
  readonly options: string[];
  /** The mount's root inside the hierarchy (mountinfo field 4). */
  readonly root: string;
}

function mounts(): Mount[] {
  try {
    return readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [left, right = ''] = line.split(' - ');
        const fields = left!.split(' ');
        const [type = '', , superOptions = ''] = right.split(' ');
        return { point: unescapeMount(fields[4] ?? ''), type, options: superOptions.split(','), root: unescapeMount(fields[3] ?? '/') };
      });
  } catch {
    return [];
  }
}

function unescapeMount(path: string): string {
  return path.replace(/\\(\d{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/** This process's cgroup path per v1 controller ('memory', 'pids') and for v2 (''). */
function ownGroups(): Map<string, string> {
  const groups = new Map<string, string>();
  try {
    for (const line of readFileSync('/proc/self/cgroup', 'utf8').split('\n')) {
      const match = /^\d+:([^:]*):(.*)$/.exec(line);
      if (!match) continue;
      for (const controller of match[1]!.split(',')) groups.set(controller, match[2]!);
    }
  } catch {
    // not Linux
  }
  return groups;
}

function relativeTo(mount: Mount, path: string): string {
  // Inside a cgroup namespace the mount's root is the group we are in, and our path reads "/".
  if (mount.root !== '/' && path.startsWith(mount.root)) return path.slice(mount.root.length) || '/';
  return path;
}

function makeGroup(parent: string, name: string): string | null {
  const path = join(parent, name);
  try {
    mkdirSync(path);
    return path;
  } catch {
    return null;
  }
}

/** A cgroup file system holds only folders: the owning process is named in the folder's name. */
function folderName(owner: ProcessIdentity): string {
  return `${PREFIX}${owner.pid}-${owner.startTime ?? 0}-${randomBytes(4).toString('hex')}`;
}

function ownerOf(folder: string): ProcessIdentity | null {
  const match = new RegExp(`^${PREFIX}(\\d+)-(\\d+)-[0-9a-f]+$`).exec(folder);
  if (!match) return null;
  const startTime = Number(match[2]);
  return { pid: Number(match[1]), startTime: startTime === 0 ? null : startTime };
}

/**
 * Makes this sandbox's cgroup folders, named after the owning process so that folders left by a dead
 * process can be found and removed.
 */
export function createSandboxCgroups(owner: ProcessIdentity): SandboxCgroups | null {
  if (process.getuid?.() !== 0) return null;
  const groups = ownGroups();
  const all = mounts();
  const folder = folderName(owner);
  const v2 = all.find((mount) => mount.type === 'cgroup2');
  if (v2 && groups.has('')) {
    const parent = join(v2.point, relativeTo(v2, groups.get('')!));
    const enabled = readOr(join(parent, 'cgroup.subtree_control'), '').split(/\s+/);
    if (enabled.includes('memory') && enabled.includes('pids')) {
      const root = makeGroup(parent, folder);
      if (root) {
        try {
          writeFileSync(join(root, 'cgroup.subtree_control'), '+memory +pids\n');
          return { version: 2, root };
        } catch {
          removeGroup(root);
        }
      }
    }
  }
  const v1Folder = (controller: string): string | null => {
    const mount = all.find((candidate) => candidate.type === 'cgroup' && candidate.options.includes(controller));
    const own = groups.get(controller);
    if (!mount || own === undefined) return null;
    return makeGroup(join(mount.point, relativeTo(mount, own)), folder);
  };
  const memory = v1Folder('memory');
  const pids = v1Folder('pids');
  if (memory === null && pids === null) return null;
  return { version: 1, memory, pids };
}

function readOr(path: string, fallback: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return fallback;
  }
}

function removeGroup(path: string): void {
  // Session groups first (the zygote removes its own; these are what a killed sandbox left).
  try {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      if (entry.isDirectory()) removeGroup(join(path, entry.name));
    }
    rmdirSync(path);
  } catch {
    // busy (a process still in it) or already gone
  }
}

export function removeSandboxCgroups(cgroups: SandboxCgroups | null): void {
  if (cgroups === null) return;
  const paths = cgroups.version === 2 ? [cgroups.root] : [cgroups.memory, cgroups.pids];
  for (const path of paths) if (path !== null) removeGroup(path);
}

/** Removes the cgroup folders of sandboxes whose process has died (a SIGKILLed eval, say). */
export function removeStaleCgroups(): void {
  if (process.getuid?.() !== 0) return;
  const groups = ownGroups();
  for (const mount of mounts()) {
    if (mount.type !== 'cgroup' && mount.type !== 'cgroup2') continue;
    const controller = mount.type === 'cgroup2' ? '' : mount.options.find((option) => option === 'memory' || option === 'pids');
    if (controller === undefined || !groups.has(controller)) continue;
    const parent = join(mount.point, relativeTo(mount, groups.get(controller)!));
    let entries: string[];
    try {
      entries = readdirSync(parent).filter((entry) => entry.startsWith(PREFIX));
    } catch {
      continue;
    }
    for (const entry of entries) {
      const owner = ownerOf(entry);
      if (owner !== null && !isAlive(owner)) removeGroup(join(parent, entry));
    }
  }
}
