import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRun } from '../../src/eval/run-files.js';
import { FolderLock, LOCK_FILE } from '../../src/util/folder-lock.js';
import { runCli } from '../helpers/cli.js';
import { sharedPath } from '../helpers/shared.js';

/**
 * An evaluation whose model writes hostile code (the replay backend plays it back as a model would) finishes:
 * the attacked session is killed and restarted, its row says so, and every other problem is solved as usual. And
 * one run folder has one writer at a time.
 */

const folder = mkdtempSync(join(tmpdir(), 'mc-hostile-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const OWN_SOCKETS_WRITE = [
  'import os, stat',
  'for name in os.listdir("/proc/self/fd"):',
  '    try:',
  '        if int(name) > 2 and stat.S_ISSOCK(os.fstat(int(name)).st_mode):',
  '            os.write(int(name), b"not json\\n")',
  '    except OSError:',
  '        pass',
  'import time',
  'time.sleep(30)',
].join('\n');

const ATTACKS = [
  OWN_SOCKETS_WRITE,
  'import os\nos._exit(3)',
  'print("x" * 10_000_000)\n"y" * 10_000_000',
  'import os\nwhile True:\n    os.fork()',
];

/** The first published SVAMP trajectories, with their first code cell replaced by an attack. */
function hostileTrajectories(): string {
  const lines = readFileSync(sharedPath('trajectories', 'mathcoder-cl-7b', 'svamp.jsonl'), 'utf8').split('\n').slice(0, ATTACKS.length + 2);
  const rows = lines.map((line, index) => {
    const row = JSON.parse(line) as { debug_result: Array<{ role: string; content: string }> };
    const attack = ATTACKS[index];
    if (attack !== undefined) {
      const code = row.debug_result.find((entry) => entry.role === 'code');
      if (code) code.content = attack;
    }
    return JSON.stringify(row);
  });
  const path = join(folder, 'svamp.jsonl');
  writeFileSync(path, `${rows.join('\n')}\n`);
  return path;
}

const evalArgs = (trajectories: string, out: string) => ['eval', '--backend', 'replay', '--trajectories', trajectories, '--data-dir', sharedPath('data'), '--concurrency', '3', '--cell-timeout', '5', '--out', out];

describe('hostile model output in an evaluation', () => {
  it('every attack is contained to its own problem and the run finishes with every row', async () => {
    const out = join(folder, 'run');
    const result = await runCli(evalArgs(hostileTrajectories(), out));
    expect(result.code, result.stderr).toBe(0);
    const run = loadRun(out);
    expect(run.rows).toHaveLength(ATTACKS.length + 2);
    expect(run.rows.every((row) => row.status === 'done')).toBe(true);
    const executions = run.rows.flatMap((row) => row.blocks.filter((block) => block.type === 'execution'));
    // The socket attack and the exit end their session (killed, restarted); the flood is cut; the bomb is contained.
    expect(executions.map((block) => block.execution?.status)).toContain('killed');
    const texts = executions.map((block) => block.content);
    expect(texts.some((text) => /sent a line that is not JSON/.test(text))).toBe(true);
    expect(Math.max(...texts.map((text) => text.length))).toBeLessThan(20_000);
  });
});

describe('one writer per run folder', () => {
  it('a second eval on the same folder is refused with one line naming the process that holds it', async () => {
    const out = join(folder, 'locked');
    const lock = FolderLock.acquire(out, 'mathcoder eval (the test holds it)');
    try {
      const second = await runCli(evalArgs(sharedPath('trajectories', 'mathcoder-cl-7b', 'svamp.jsonl'), out).concat(['--limit', '2']));
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(new RegExp(`^mathcoder: .*locked is in use by another mathcoder \\(pid ${process.pid}, mathcoder eval \\(the test holds it\\), since .*\\): wait for it to finish, or choose another --out\\n$`));
    } finally {
      lock.release();
    }
  });

  it('takes over the lock of a process that has died', () => {
    const out = join(folder, 'stale');
    const dead = FolderLock.acquire(out, 'mathcoder eval (soon dead)');
    // What a SIGKILLed eval leaves: its lock file, naming a pid that no longer runs.
    const path = join(out, LOCK_FILE);
    writeFileSync(path, readFileSync(path, 'utf8').replace(/"pid":\d+/, `"pid":${2 ** 22 + 11}`));
    const taken = FolderLock.acquire(out, 'mathcoder eval (next)');
    expect(readFileSync(path, 'utf8')).toContain('mathcoder eval (next)');
    expect(readFileSync(path, 'utf8')).toContain(`"pid":${process.pid}`);
    taken.release();
    dead.release(); // the dead holder's lock is gone: releasing it removes nothing of the next one's
    expect(existsSync(path)).toBe(false);
  });

  it('in one process too: a second lock on a held folder is refused until the first is released', () => {
    const out = join(folder, 'twice');
    const first = FolderLock.acquire(out, 'first');
    expect(() => FolderLock.acquire(out, 'second')).toThrow(/is in use by another mathcoder \(pid \d+, first, since/);
    first.release();
    FolderLock.acquire(out, 'third').release();
  });
});
