import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { MathcoderError } from '../errors.js';
import type { IsolationMethod } from './types.js';

/**
 * How the worker process is started, per isolation method:
 * - bwrap: a read-only view of the root file system, a private /tmp and /dev/shm, no network (own network
 *   namespace with only loopback), own IPC and UTS namespaces; runs as root inside so that each session can
 *   drop to a uid of its own.
 * - unshare: only a network namespace (util-linux `unshare --net`, root only).
 * - none: the worker runs as this process's user with the host's network and files.
 */

export interface WorkerLaunch {
  readonly command: string;
  readonly args: string[];
  /** Where the worker keeps session working directories (inside the sandbox's own /tmp under bwrap). */
  readonly workroot: string;
}

export interface LaunchPaths {
  readonly python: string;
  readonly workerScript: string;
  readonly workerDir: string;
  readonly socketDir: string;
  /** Host folder for session working directories when the worker shares the host's /tmp. */
  readonly hostWorkroot: string;
}

function runs(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { stdio: 'ignore', timeout: 10_000, env: { PATH: '/usr/bin:/bin' } });
  return !result.error && result.status === 0;
}

function bwrapPath(): string | null {
  for (const candidate of ['/usr/bin/bwrap', '/usr/local/bin/bwrap', '/bin/bwrap']) if (existsSync(candidate)) return candidate;
  return null;
}

function bwrapArgs(paths: LaunchPaths): string[] {
  return [
    '--ro-bind', '/', '/',
    '--dev', '/dev',
    '--proc', '/proc',
    '--tmpfs', '/tmp',
    '--tmpfs', '/dev/shm',
    '--ro-bind', paths.workerDir, paths.workerDir,
    '--bind', paths.socketDir, paths.socketDir,
    '--unshare-net', '--unshare-ipc', '--unshare-uts',
    '--die-with-parent',
    '--cap-add', 'ALL',
    '--chdir', '/tmp',
  ];
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
    ok = bwrap !== null && isRoot && runs(bwrap, ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp', '--unshare-net', '--cap-add', 'ALL', '--', '/bin/true']);
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
    const workroot = '/tmp/mathcoder-sessions';
    return { command: bwrapPath()!, args: [...bwrapArgs(paths), '--', paths.python, paths.workerScript], workroot };
  }
  if (method === 'unshare') {
    return { command: '/usr/bin/unshare', args: ['--net', '--', paths.python, paths.workerScript], workroot: paths.hostWorkroot };
  }
  return { command: paths.python, args: [paths.workerScript], workroot: paths.hostWorkroot };
}
