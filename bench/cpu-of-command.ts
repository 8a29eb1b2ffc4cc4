import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The CPU seconds a command and every process it starts use, however they end. A sandbox's sessions live in PID
 * namespaces of their own and are reaped by its zygote inside bubblewrap, so `time` (which counts only children
 * that were waited for up the whole chain) can miss them: a cgroup counts them all. cgroup v1 cpuacct or a
 * cgroup v2 folder (cpu.stat is there without any controller) where this process may make one (root); else
 * `time`'s count, said to be a lower bound.
 */
export interface CommandCost {
  readonly cpuSeconds: number;
  readonly method: string;
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function ownGroup(controller: string): string | null {
  for (const line of readFileSync('/proc/self/cgroup', 'utf8').split('\n')) {
    const [, controllers, path] = line.split(':');
    if (controllers !== undefined && path !== undefined && controllers.split(',').includes(controller)) return path;
  }
  return null;
}

function makeGroup(): { dir: string; read: () => number; method: string } | null {
  if (process.getuid?.() !== 0) return null;
  const name = `mathcoder-bench-${process.pid}-${Date.now()}`;
  const v1 = ownGroup('cpuacct');
  if (v1 !== null && existsSync('/sys/fs/cgroup/cpuacct')) {
    const dir = join('/sys/fs/cgroup/cpuacct', v1, name);
    try {
      mkdirSync(dir);
      return { dir, read: () => Number(readFileSync(join(dir, 'cpuacct.usage'), 'utf8')) / 1e9, method: 'cgroup v1 cpuacct' };
    } catch {
      // not writable
    }
  }
  const v2 = ownGroup('');
  for (const root of ['/sys/fs/cgroup/unified', '/sys/fs/cgroup']) {
    if (v2 === null || !existsSync(join(root, 'cgroup.controllers'))) continue;
    const dir = join(root, v2, name);
    try {
      mkdirSync(dir);
      const read = () => Number(/usage_usec (\d+)/.exec(readFileSync(join(dir, 'cpu.stat'), 'utf8'))![1]) / 1e6;
      return { dir, read, method: 'cgroup v2 cpu.stat' };
    } catch {
      // not writable
    }
  }
  return null;
}

export function cpuOfCommand(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): CommandCost {
  const group = makeGroup();
  if (group !== null) {
    const run = spawnSync('/bin/sh', ['-c', `echo $$ > ${join(group.dir, 'cgroup.procs')} && exec "$@"`, 'sh', command, ...args], { encoding: 'utf8', env, maxBuffer: 1 << 30 });
    const cpuSeconds = group.read();
    try {
      rmdirSync(group.dir);
    } catch {
      // a straggler still in it
    }
    return { cpuSeconds, method: group.method, status: run.status, stdout: run.stdout, stderr: run.stderr };
  }
  const run = spawnSync('/usr/bin/time', ['-f', '%U %S', command, ...args], { encoding: 'utf8', env, maxBuffer: 1 << 30 });
  const last = run.stderr.trim().split('\n').pop() ?? '';
  const [user, system] = last.split(' ').map(Number);
  return { cpuSeconds: (user ?? 0) + (system ?? 0), method: 'time (a lower bound: processes not waited for are missed)', status: run.status, stdout: run.stdout, stderr: run.stderr };
}
