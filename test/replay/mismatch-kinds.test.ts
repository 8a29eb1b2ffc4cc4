import { describe, expect, it } from 'vitest';
import { classifyMismatch, type MismatchInput } from '../../src/replay/mismatch-kinds.js';
import { normaliseExecution } from '../../src/replay/normalise.js';

const base: MismatchInput = { code: '', published: '', replayed: '', status: 'ok', earlierKinds: [] };
const kind = (overrides: Partial<MismatchInput>) => classifyMismatch({ ...base, ...overrides });
const tb = (frames: string, last: string) =>
  `${'-'.repeat(75)} TypeError                                 Traceback (most recent call last) ${frames}\n ${last}`;

describe('normalisation before comparing executions', () => {
  it('removes colour codes (including the 256-colour ones MathCoder left), addresses, temp paths and trailing spaces', () => {
    const published = 'Cell In[6], line 2\n----> 2 fraction_y \x1b[38;5;241m= Fraction(y)\x1b[38;5;241;43m.x\x1b[0m   \n<obj at 0x7f3a2c1b9e50> /tmp/ipykernel_3445243/2986937781.py:5';
    const replayed = 'Cell In[6], line 2\n----> 2 fraction_y = Fraction(y).x\n<obj at 0x55d0c0ffee00> /tmp/mathcoder-sessions/session-12/ipykernel_77/1234.py:5';
    expect(normaliseExecution(published)).toBe(normaliseExecution(replayed));
  });
});

describe('mismatch kinds', () => {
  it('a published MathCoder timeout', () => {
    expect(kind({ published: `${'-'.repeat(75)} Timeout waiting for reply${' '.repeat(32)}Traceback (most recent call last) `, replayed: '21' })).toBe('published-timeout');
  });

  it('a timeout or kill of the replay', () => {
    expect(kind({ published: '1', replayed: 'x', status: 'timeout' })).toBe('replay-timeout');
  });

  it('state that diverged earlier in the trajectory, but not after a cosmetic difference', () => {
    expect(kind({ published: '1', replayed: '2', earlierKinds: ['output-differs'] })).toBe('after-earlier-mismatch');
    expect(kind({ published: '1.0000000000001', replayed: '1.0000000000002', earlierKinds: ['library-frames'] })).toBe('float-rounding');
  });

  it('library frames of another Python/SymPy', () => {
    const cell = 'Cell In[2], line 1\n----> 1 f(1)\n';
    expect(
      kind({
        published: tb(`${cell} File /mnt/cache/envs/lib/python3.9/site-packages/sympy/core/expr.py:320, in Expr.__int__(self)\n--> 320 raise TypeError("x")\n`, 'TypeError: x'),
        replayed: tb(`${cell} File /usr/lib/python3/dist-packages/sympy/core/expr.py:321, in Expr.__int__(self)\n--> 321 raise TypeError("x")\n`, 'TypeError: x'),
      }),
    ).toBe('library-frames');
  });

  it('the same error in other words, and SyntaxError wording of another Python', () => {
    const cell = 'Cell In[2], line 1\n----> 1 f(1)\n';
    expect(kind({ published: tb(cell, "TypeError: can't convert complex to int"), replayed: tb(cell, 'TypeError: int() argument must be a real number') })).toBe('error-message');
    expect(
      kind({
        published: 'Cell In[6], line 11\n    386.2 = 386.2 / prime\n    ^\nSyntaxError: cannot assign to literal',
        replayed: "Cell In[6], line 11\n    386.2 = 386.2 / prime\n    ^\nSyntaxError: cannot assign to literal here. Maybe you meant '==' instead of '='?",
      }),
    ).toBe('syntax-message');
  });

  it('float rounding, ordering, and real differences', () => {
    expect(kind({ published: '0.6923076923076926', replayed: '0.6923076923076927' })).toBe('float-rounding');
    expect(kind({ published: '{A: 10, H: 21, J: 2}', replayed: '{A: 10, J: 2, H: 21}' })).toBe('ordering');
    expect(kind({ published: 'Mod(17/(t - 154), 19)', replayed: 'Mod(-11250/(t - 154), 19)' })).toBe('output-differs');
    expect(kind({ published: '<empty_execution>', replayed: tb('Cell In[2], line 1\n----> 1 import matplotlib\n', "ModuleNotFoundError: No module named 'matplotlib'") })).toBe('error-vs-output');
  });

  it('noise of the authors\' Jupyter kernel', () => {
    expect(kind({ published: "The history saving thread hit an unexpected error (OperationalError('database is locked')).History will not be written to the database.90.0", replayed: '90.0' })).toBe('kernel-noise');
  });
});
