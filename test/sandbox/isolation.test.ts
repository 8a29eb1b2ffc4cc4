import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isolationAvailable, SANDBOX_SCRIPTS_DIR, workerLaunch } from '../../src/sandbox/isolation.js';
import { WORKER_SCRIPT } from '../../src/sandbox/python-sandbox.js';

const folder = mkdtempSync(join(tmpdir(), 'mathcoder-isolation-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('the bwrap view of the host', () => {
  it('shows the worker scripts of a checkout under /tmp, which the private /tmp would otherwise cover', () => {
    if (!isolationAvailable('bwrap')) return;
    // A checkout in the temporary folder (as CI may clone one): its scripts under /tmp.
    const scripts = join(folder, 'checkout', 'python');
    cpSync(dirname(WORKER_SCRIPT), scripts, { recursive: true });
    mkdirSync(join(folder, 'sockets'));
    expect(scripts.startsWith('/tmp/')).toBe(true);
    const launch = workerLaunch('bwrap', {
      python: '/usr/bin/python3',
      pythonPaths: [],
      workerScript: join(scripts, 'sandbox_worker.py'),
      workerDir: scripts,
      socketDir: join(folder, 'sockets'),
      hostWorkroot: join(folder, 'work'),
      cgroups: null,
      tmpBytes: 16 * 1024 * 1024,
    });
    const script = launch.args.at(-1)!;
    expect(script).toBe(`${SANDBOX_SCRIPTS_DIR}/sandbox_worker.py`);
    // The same view, running a check instead of the worker.
    const check = `import os, sys; print(os.path.isfile(${JSON.stringify(script)}), os.path.exists(${JSON.stringify(scripts)}))`;
    const run = spawnSync(launch.command, [...launch.args.slice(0, -1), '-c', check], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } });
    expect(run.status, run.stderr).toBe(0);
    // The scripts are there; the checkout's own path under the host's /tmp is not.
    expect(run.stdout.trim()).toBe('True False');
  });
});
