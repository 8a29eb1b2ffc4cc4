import { execFileSync } from 'node:child_process';
import { WAIT_FOR_LATE_PRINTS } from '../helpers/late-prints.js';
import { waitFor } from '../helpers/wait-for.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PythonSandbox } from '../../src/sandbox/python-sandbox.js';
import { discoverPython } from '../../src/sandbox/python-discovery.js';
import { executionText } from '../../src/sandbox/execution-text.js';
import type { SandboxSession } from '../../src/sandbox/types.js';

let sandbox: PythonSandbox;

beforeAll(async () => {
  process.env.MATHCODER_TEST_SECRET = 'do-not-leak';
  sandbox = await PythonSandbox.start({ pathVariable: process.env.PATH, poolSize: 4, timeoutMs: 5_000, killGraceMs: 1_000 });
});

afterAll(async () => {
  await sandbox?.close();
});

/** Processes running under a uid (ps exits 1 when there are none). */
function processesOf(uid: number): number {
  try {
    return execFileSync('ps', ['-o', 'pid=', '-u', String(uid)], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).length;
  } catch {
    return 0;
  }
}

async function withSession<T>(use: (session: SandboxSession) => Promise<T>): Promise<T> {
  const session = await sandbox.createSession();
  try {
    return await use(session);
  } finally {
    await session.close();
  }
}

describe('a stateful Python session with Jupyter display', () => {
  it('keeps variables across cells and numbers them as IPython does', async () => {
    await withSession(async (session) => {
      const first = await session.run('x = 20\ny = x + 1');
      expect(first).toMatchObject({ status: 'ok', executionCount: 1, result: null, streams: [] });
      const second = await session.run('x * y');
      expect(second).toMatchObject({ status: 'ok', executionCount: 2, result: '420' });
    });
  });

  it('shows nothing for an assignment, and printed output then the last expression', async () => {
    await withSession(async (session) => {
      expect(executionText(await session.run('x = 1'))).toBe('<empty_execution>');
      const mixed = await session.run('print("step 1")\nprint("step 2")\nx + 1');
      expect(mixed.streams).toEqual([{ name: 'stdout', text: 'step 1\nstep 2\n' }]);
      expect(mixed.result).toBe('2');
      expect(executionText(mixed)).toBe('step 1\nstep 2\n2');
      expect((await session.run('x;')).result).toBeNull();
    });
  });

  it('displays sympy, numpy, fractions and lists as the published executions show them', async () => {
    await withSession(async (session) => {
      const show = async (code: string) => (await session.run(code)).result;
      expect(await show('from sympy import symbols, solve, Eq, Rational, sqrt\nx, y = symbols("x y")\nsolve(x**2 - 2, x)')).toBe('[-sqrt(2), sqrt(2)]');
      expect(await show('solve((Eq(x + y, 3), Eq(x - y, 1)), (y, x))')).toBe('{x: 2, y: 1}');
      expect(await show('Rational(3, 4) + sqrt(8)')).toBe('3/4 + 2*sqrt(2)');
      expect(await show('import numpy as np\nnp.float64(1.5)')).toBe('1.5');
      expect(await show('np.array([1, 2]) / 4')).toBe('array([0.25, 0.5 ])');
      expect(await show('from fractions import Fraction\nFraction(6, 8)')).toBe('Fraction(3, 4)');
      expect(await show('[1.5, 2, "a"]')).toBe("[1.5, 2, 'a']");
      expect(await show('list(range(30))')).toBe(
        '[0,\n 1,\n 2,\n 3,\n 4,\n 5,\n 6,\n 7,\n 8,\n 9,\n 10,\n 11,\n 12,\n 13,\n 14,\n 15,\n 16,\n 17,\n 18,\n 19,\n 20,\n 21,\n 22,\n 23,\n 24,\n 25,\n 26,\n 27,\n 28,\n 29]',
      );
    });
  });

  it('interleaves stdout and stderr in the order written', async () => {
    await withSession(async (session) => {
      const result = await session.run('import sys\nprint("a")\nprint("b", file=sys.stderr)\nprint("c")');
      expect(result.streams).toEqual([
        { name: 'stdout', text: 'a\n' },
        { name: 'stderr', text: 'b\n' },
        { name: 'stdout', text: 'c\n' },
      ]);
    });
  });

  it('reports a syntax error in IPython layout', async () => {
    await withSession(async (session) => {
      const result = await session.run('x = (');
      expect(result.status).toBe('error');
      expect(result.error?.name).toBe('SyntaxError');
      expect(executionText(result)).toBe('Cell In[1], line 1\n    x = (\n         ^\nSyntaxError: incomplete input');
    });
  });

  it('reports an exception with the traceback text MathCoder models were trained on, no colour codes', async () => {
    await withSession(async (session) => {
      await session.run('def f(n):\n    return 1 / n');
      const result = await session.run('# divide\nf(0)');
      expect(result.status).toBe('error');
      expect(result.error).toMatchObject({ name: 'ZeroDivisionError', value: 'division by zero' });
      expect(executionText(result)).toBe(
        '--------------------------------------------------------------------------- ZeroDivisionError                         Traceback (most recent call last) ' +
          'Cell In[2], line 2\n      1 # divide\n----> 2 f(0)\n Cell In[1], line 2, in f(n)\n      1 def f(n):\n----> 2     return 1 / n\n ZeroDivisionError: division by zero',
      );
      expect(executionText(result)).not.toMatch(/\x1b/);
    });
  });

  it('answers input() as a kernel without stdin does', async () => {
    await withSession(async (session) => {
      const result = await session.run('input("number? ")');
      expect(result.error?.name).toBe('StdinNotImplementedError');
      expect(executionText(result)).toContain('raw_input was called, but this frontend does not support input requests.');
    });
  });
});

describe('time limits', () => {
  it('interrupts an infinite loop at its limit and keeps the session variables', async () => {
    await withSession(async (session) => {
      await session.run('kept = 42');
      const result = await session.run('while True:\n    pass', { timeoutMs: 500 });
      expect(result.status).toBe('timeout');
      expect(result.stateLost).toBe(false);
      expect(result.error?.name).toBe('ExecutionTimeout');
      expect(executionText(result)).toContain('ExecutionTimeout: cell execution timed out after 0.5 seconds');
      expect(executionText(result)).not.toContain('sandbox_worker.py');
      expect((await session.run('kept')).result).toBe('42');
    });
  });

  it('is not swallowed by a broad except in the user code', async () => {
    await withSession(async (session) => {
      const result = await session.run('try:\n    while True:\n        pass\nexcept Exception:\n    print("caught")', { timeoutMs: 300 });
      expect(result.status).toBe('timeout');
    });
  });

  it('kills a cell that ignores the interrupt, restarts the session and says its state is lost', async () => {
    await withSession(async (session) => {
      await session.run('kept = 1');
      // A limit of 1 s, not less: the cell must have set SIG_IGN before its time runs out, also on a loaded machine.
      const ignoring = await session.run('import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\nwhile True:\n    pass', { timeoutMs: 1_000 });
      expect(ignoring.status).toBe('killed');
      expect(ignoring.stateLost).toBe(true);
      expect(ignoring.message).toMatch(/killed; the Python session was restarted and its variables are lost/);
      expect(executionText(ignoring)).toMatch(/^ExecutionKilled: /);
      const after = await session.run('kept');
      expect(after.error?.name).toBe('NameError');
      expect(after.executionCount).toBe(1);
      expect((await session.run('1 + 1')).result).toBe('2');
    });
  });

  it('kills a C-level loop that never checks for interrupts', async () => {
    await withSession(async (session) => {
      // Defined first, so the timed cell reaches the C loop at once: a cell that still compiled when its time ran
      // out (a loaded machine) would end with an ordinary timeout, and the kill would go untested.
      await session.run('def spin():\n    return sum(range(10**12))');
      const result = await session.run('spin()', { timeoutMs: 1_000 });
      expect(result.status).toBe('killed');
      expect(result.message).toMatch(/ignored its 1 s time limit/);
    });
  });

  it('restores the variables after a kill when asked to', async () => {
    const restoring = await PythonSandbox.start({ pathVariable: process.env.PATH, poolSize: 1, killGraceMs: 500, restoreStateAfterKill: true });
    try {
      const session = await restoring.createSession();
      await session.run('a = 5');
      await session.run('b = a * 2');
      const killed = await session.run('import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\nwhile True: pass', { timeoutMs: 1_000 });
      expect(killed).toMatchObject({ status: 'killed', stateLost: false });
      expect((await session.run('a + b')).result).toBe('15');
      await session.close();
    } finally {
      await restoring.close();
    }
  });

  it('never shows output of a timed-out cell in the next cell', async () => {
    await withSession(async (session) => {
      // The thread prints only once the next cell runs, and the next cell waits until it has.
      const code = 'import os, threading, time\ndef later():\n    while not os.path.exists("go"):\n        time.sleep(0.01)\n    print("late output")\n    open("printed", "w").close()\nthreading.Thread(target=later).start()\nwhile True:\n    pass';
      expect((await session.run(code, { timeoutMs: 200 })).status).toBe('timeout');
      const next = await session.run(WAIT_FOR_LATE_PRINTS);
      expect(executionText(next)).toBe('next, after the late prints: True');
    });
  });
});

describe('limits and isolation', () => {
  it('states which isolation is in force', () => {
    const { isolation, python } = sandbox.info;
    expect(['bwrap', 'unshare', 'none']).toContain(isolation.method);
    expect(isolation.limits.memoryBytes).toBe(2 * 1024 ** 3);
    expect(python.executable).toMatch(/^\//);
    expect(python.sympy).toMatch(/^\d+\.\d+/);
  });

  it('contains a memory bomb as a MemoryError and the session survives', async () => {
    await withSession(async (session) => {
      await session.run('kept = "yes"');
      const bomb = await session.run('x = bytearray(8 * 1024**3)');
      expect(bomb.error?.name).toBe('MemoryError');
      expect((await session.run('kept')).result).toBe("'yes'");
    });
  });

  it('contains a fork bomb with its own process limit and leaves no process behind', async () => {
    if (sandbox.info.isolation.user !== 'per-session-uid') return;
    await withSession(async (session) => {
      const uid = Number((await session.run('import os\nos.getuid()')).result);
      const bomb = await session.run('import os\nwhile True:\n    os.fork()', { timeoutMs: 3_000 });
      // On a slow machine the bomb may starve the session past its grace period: then it is killed and restarted.
      expect(['error', 'timeout', 'killed']).toContain(bomb.status);
      expect((await session.run('1 + 1')).result).toBe('2');
      // A killed session is restarted, possibly under the uid it had before (freed uids are handed out again).
      const uidNow = Number((await session.run('import os\nos.getuid()')).result);
      // Only the session itself is left in its namespace.
      if (sandbox.info.isolation.processes === 'per-session-namespace') await waitFor(async () => (await session.run('import os\nsum(1 for p in os.listdir("/proc") if p.isdigit())')).result === '1', 'the bomb to be reaped');
      await waitFor(() => processesOf(uid) === (uidNow === uid ? 1 : 0), "the bomb's processes to end");
    });
  });

  it('has no network', async () => {
    if (sandbox.info.isolation.network !== 'none') return;
    await withSession(async (session) => {
      const result = await session.run('import socket\nsocket.create_connection(("93.184.216.34", 80), timeout=3)');
      expect(result.status).toBe('error');
      expect(result.error?.name).toMatch(/OSError|Error/);
    });
  });

  it('cannot write outside its working directory, and can inside it', async () => {
    await withSession(async (session) => {
      const outside = await session.run('open("/usr/mathcoder-escape.txt", "w").write("x")');
      expect(outside.status).toBe('error');
      expect(outside.error?.name).toMatch(/PermissionError|OSError/);
      const inside = await session.run('open("notes.txt", "w").write("hello")\nopen("notes.txt").read()');
      expect(inside.result).toBe("'hello'");
    });
  });

  it('does not see the parent process environment', async () => {
    await withSession(async (session) => {
      const result = await session.run('import os\n"MATHCODER_TEST_SECRET" in os.environ, os.environ.get("HOME") == os.getcwd()');
      expect(result.result).toBe('(False, True)');
    });
  });

  it('gives each session a private /tmp as its working directory, gone when the session ends', async () => {
    const first = await sandbox.createSession();
    const workdir = (await first.run('import os\nopen("notes.txt", "w").write("first")\nos.getcwd()')).result!.replace(/'/g, '');
    await withSession(async (second) => {
      // Another session never sees it, even while the first one still runs.
      expect((await second.run(`import os\nos.path.exists(${JSON.stringify(`${workdir}/notes.txt`)})`)).result).toBe('False');
    });
    await first.close();
  });

  it('truncates 10 MB of output to its head and tail', async () => {
    await withSession(async (session) => {
      const result = await session.run('for i in range(100_000):\n    print("line %06d " % i + "x" * 90)');
      expect(result.truncated).toBe(true);
      expect(result.outputChars).toBeGreaterThan(10_000_000);
      const text = executionText(result);
      expect(text.length).toBeLessThan(17_000);
      expect(text.startsWith('line 000000')).toBe(true);
      expect(text).toContain('characters omitted');
      expect(text.endsWith('line 099999 ' + 'x'.repeat(90))).toBe(true);
    });
  });

  it('runs 32 sessions at once, each with its own state', async () => {
    const sessions = await Promise.all(Array.from({ length: 32 }, () => sandbox.createSession()));
    try {
      await Promise.all(sessions.map((session, index) => session.run(`import sympy\nmine = ${index}`)));
      const results = await Promise.all(sessions.map((session) => session.run('mine * 2')));
      expect(results.map((result) => result.result)).toEqual(Array.from({ length: 32 }, (_, index) => String(index * 2)));
      expect(sandbox.activeSessions).toBe(32);
    } finally {
      await Promise.all(sessions.map((session) => session.close()));
    }
    expect(sandbox.activeSessions).toBe(0);
  });
});

describe('Python discovery', () => {
  it('names the install command when the interpreter lacks the packages', () => {
    expect(() => discoverPython({ python: '/nonexistent/python3' })).toThrow(
      /no Python 3 with sympy, numpy and IPython \(\/nonexistent\/python3 does not exist\); install them with: sudo apt-get install -y python3-sympy python3-numpy python3-ipython/,
    );
  });
});
