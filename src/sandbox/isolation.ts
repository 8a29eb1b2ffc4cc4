import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync } from 'node:fs';
import { basename } from 'node:path';
import { MathcoderError } from '../errors.js';
import type { SandboxCgroups } from './cgroups.js';
import type { IsolationMethod } from './types.js';

/**
 * How the worker process is started, per isolation method:
 * - bwrap: its own mount, PID, network, IPC and UTS namespaces. The file system it sees holds only what the
 *   interpreter needs: /usr (without /usr/local), the few files of /etc the loader and Python read, the
 *   interpreter's own folders (its prefix and sys.path) and the worker's scripts, all read-only; a private,
 *   size-limited /tmp; fresh /dev and /proc. The host's home, work and run folders and their sockets are not
 *   there at all. It runs as root inside, so that each session can get namespaces, a cgroup and a uid of its own.
 * - unshare: only a network namespace (util-linux `unshare --net`, root only); sessions still get their own
 *   PID and mount namespaces, /tmp, /proc and uid, but the host's files are visible (read-only to them).
 * - none: the worker runs as this process's user with the host's network and files.
 */

export interface WorkerLaunch {
  readonly command: string;
  readonly args: string[];
  /** Where the worker keeps session working directories when sessions have no /tmp of their own. */
  readonly workroot: string;
  /** The cgroup folders as the worker sees them (arguments for the worker). */
  readonly cgroupArgs: string[];
}

export interface LaunchPaths {
  readonly python: string;
  /** The folders the interpreter reads its files from (discovery's `paths`). */
  readonly pythonPaths: readonly string[];
  readonly workerScript: string;
  readonly workerDir: string;
  readonly socketDir: string;
  /** Host folder for session working directories when the worker shares the host's /tmp. */
  readonly hostWorkroot: string;
  readonly cgroups: SandboxCgroups | null;
  /** The size of the worker's own /tmp under bwrap. */
  readonly tmpBytes: number;
}

function runs(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { stdio: 'ignore', timeout: 10_000, env: { PATH: '/usr/bin:/bin' } });
  return !result.error && result.status === 0;
}

function bwrapPath(): string | null {
  for (const candidate of ['/usr/bin/bwrap', '/usr/local/bin/bwrap', '/bin/bwrap']) if (existsSync(candidate)) return candidate;
  return null;
}

/** What of /etc the dynamic loader, Python and matplotlib read. */
const ETC_ENTRIES = ['ld.so.cache', 'ld.so.conf', 'ld.so.conf.d', 'alternatives', 'localtime', 'matplotlibrc', 'fonts', 'mime.types'];

/** Top-level names that are links into /usr on a merged-/usr system, or folders of their own on an older one. */
const ROOT_LIBRARY_ENTRIES = ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32'];

function under(path: string, folder: string): boolean {
  return path === folder || path.startsWith(`${folder}/`);
}

/**
 * Where the worker's scripts appear under bwrap: a fixed folder of the sandbox's own root, so that a checkout under
 * /tmp (which the worker's and each session's private /tmp would cover) still starts.
 */
export const SANDBOX_SCRIPTS_DIR = '/opt/mathcoder-sandbox';

/** Host folders to show read-only at their own paths: outermost first, nothing twice (an inner one comes with its outer one). */
function outermostFolders(paths: readonly string[]): string[] {
  return [...new Set(paths)].sort((a, b) => a.length - b.length).filter((path, index, all) => existsSync(path) && !all.slice(0, index).some((outer) => under(path, outer)));
}

/**
 * The read-only view of the host: system libraries, the interpreter's folders and the worker's scripts (at
 * SANDBOX_SCRIPTS_DIR). Interpreter folders under /tmp are left to `tmpBinds`, bound after the private /tmp.
 */
export function readOnlyView(pythonPaths: readonly string[], workerDir: string): string[] {
  const args: string[] = ['--ro-bind', '/usr', '/usr'];
  if (existsSync('/usr/local')) args.push('--tmpfs', '/usr/local');
  for (const name of ROOT_LIBRARY_ENTRIES) {
    const path = `/${name}`;
    if (!existsSync(path)) continue;
    const stats = lstatSync(path);
    if (stats.isSymbolicLink()) args.push('--symlink', `usr/${name}`, path);
    else args.push('--ro-bind', path, path);
  }
  args.push('--dir', '/etc');
  for (const entry of ETC_ENTRIES) if (existsSync(`/etc/${entry}`)) args.push('--ro-bind', `/etc/${entry}`, `/etc/${entry}`);
  try {
    // Debian's Python reads /etc/python3.X (sitecustomize.py).
    for (const entry of readdirSync('/etc')) if (/^python3(\.\d+)?$/.test(entry)) args.push('--ro-bind', `/etc/${entry}`, `/etc/${entry}`);
  } catch {
    // no /etc
  }
  const extra = pythonPaths.filter((path) => (!under(path, '/usr') || under(path, '/usr/local')) && !under(path, '/tmp'));
  for (const folder of outermostFolders(extra)) args.push('--ro-bind', folder, folder);
  args.push('--ro-bind', workerDir, SANDBOX_SCRIPTS_DIR);
  return args;
}

/**
 * An interpreter installed under /tmp (a virtual environment there): bound after the worker's private /tmp so the
 * worker sees it. Sessions mount a /tmp of their own over it, so they keep only what the worker imported first.
 */
function tmpBinds(pythonPaths: readonly string[]): string[] {
  return outermostFolders(pythonPaths.filter((path) => under(path, '/tmp'))).flatMap((folder) => ['--ro-bind', folder, folder]);
}

/**
 * The sandbox's cgroup folders appear inside the sandbox in its socket folder (bound from the host), which a
 * session's own /tmp covers and which it unmounts: a session never sees them.
 */
function cgroupBinds(cgroups: SandboxCgroups | null, socketDir: string): { binds: string[]; workerArgs: string[] } {
  if (cgroups === null) return { binds: [], workerArgs: [] };
  const CGROUP_MOUNT = `${socketDir}/cgroup`;
  if (cgroups.version === 2) return { binds: ['--bind', cgroups.root, `${CGROUP_MOUNT}/v2`], workerArgs: ['--cgroup-v2', `${CGROUP_MOUNT}/v2`] };
  const binds: string[] = [];
  const workerArgs: string[] = [];
  if (cgroups.memory) {
    binds.push('--bind', cgroups.memory, `${CGROUP_MOUNT}/memory`);
    workerArgs.push('--cgroup-memory', `${CGROUP_MOUNT}/memory`);
  }
  if (cgroups.pids) {
    binds.push('--bind', cgroups.pids, `${CGROUP_MOUNT}/pids`);
    workerArgs.push('--cgroup-pids', `${CGROUP_MOUNT}/pids`);
  }
  return { binds, workerArgs };
}

function hostCgroupArgs(cgroups: SandboxCgroups | null): string[] {
  if (cgroups === null) return [];
  if (cgroups.version === 2) return ['--cgroup-v2', cgroups.root];
  return [...(cgroups.memory ? ['--cgroup-memory', cgroups.memory] : []), ...(cgroups.pids ? ['--cgroup-pids', cgroups.pids] : [])];
}

function bwrapArgs(paths: LaunchPaths): { args: string[]; workerArgs: string[] } {
  const cgroups = cgroupBinds(paths.cgroups, paths.socketDir);
  return {
    args: [
      ...readOnlyView(paths.pythonPaths, paths.workerDir),
      '--proc', '/proc',
      '--dev', '/dev',
      '--size', String(paths.tmpBytes), '--tmpfs', '/tmp',
      ...tmpBinds(paths.pythonPaths),
      '--tmpfs', '/dev/shm',
      '--dir', '/run',
      '--bind', paths.socketDir, paths.socketDir,
      ...cgroups.binds,
      '--unshare-net', '--unshare-ipc', '--unshare-uts', '--unshare-pid', '--unshare-cgroup-try',
      '--die-with-parent',
      '--new-session',
      '--cap-add', 'ALL',
      '--chdir', '/tmp',
    ],
    workerArgs: cgroups.workerArgs,
  };
}

const probeCache = new Map<IsolationMethod, boolean>();

/** Whether an isolation method works on this machine (checked once per process by starting `true` under it). */
export function isolationAvailable(method: IsolationMethod): boolean {
  const cached = probeCache.get(method);
  if (cached !== undefined) return cached;
  let ok = true;
  if (method === 'bwrap') {
    const bwrap = bwrapPath();
    const isRoot = process.getuid?.() === 0;
    ok = bwrap !== null && isRoot && runs(bwrap, ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp', '--unshare-net', '--unshare-pid', '--cap-add', 'ALL', '--', '/bin/true']);
  } else if (method === 'unshare') {
    ok = process.getuid?.() === 0 && existsSync('/usr/bin/unshare') && runs('/usr/bin/unshare', ['--net', '--', '/bin/true']);
  }
  probeCache.set(method, ok);
  return ok;
}

export function chooseIsolation(requested: 'auto' | IsolationMethod): IsolationMethod {
  if (requested !== 'auto') {
    if (!isolationAvailable(requested)) {
      const why = requested === 'bwrap' ? 'install Debian\'s bubblewrap package and run as root' : 'run as root with util-linux unshare';
      throw new MathcoderError('sandbox', `sandbox isolation "${requested}" is not available on this machine (${why}); use --isolation auto`);
    }
    return requested;
  }
  for (const method of ['bwrap', 'unshare'] as const) if (isolationAvailable(method)) return method;
  return 'none';
}

export function workerLaunch(method: IsolationMethod, paths: LaunchPaths): WorkerLaunch {
  if (method === 'bwrap') {
    const { args, workerArgs } = bwrapArgs(paths);
    return { command: bwrapPath()!, args: [...args, '--', paths.python, `${SANDBOX_SCRIPTS_DIR}/${basename(paths.workerScript)}`], workroot: '/tmp/mathcoder-sessions', cgroupArgs: workerArgs };
  }
  if (method === 'unshare') {
    return { command: '/usr/bin/unshare', args: ['--net', '--', paths.python, paths.workerScript], workroot: paths.hostWorkroot, cgroupArgs: hostCgroupArgs(paths.cgroups) };
  }
  return { command: paths.python, args: [paths.workerScript], workroot: paths.hostWorkroot, cgroupArgs: hostCgroupArgs(paths.cgroups) };
}
