import type { SympyNode } from '../compat/sympy-tree.js';
import type { SandboxSession } from '../../sandbox/types.js';

/**
 * Symbolic equivalence with sympy, run in a sandbox session (one long-lived session per checker, comparisons
 * one at a time). Each comparison has its own time limit: a `simplify` that hangs is interrupted and the
 * comparison is "not proven equal" with the reason `timeout`, never a hung run.
 */

/** sympy source for an expression tree (evaluated normally, so that sympy can simplify it). */
export function sympySource(node: SympyNode): string {
  const list = (nodes: readonly SympyNode[]) => nodes.map(sympySource).join(', ');
  switch (node.kind) {
    case 'number':
      return node.denominator === 1n ? `Integer(${node.numerator})` : `Rational(${node.numerator}, ${node.denominator})`;
    case 'symbol':
      return node.name === 'i' ? 'I' : `Symbol(${JSON.stringify(node.name)})`;
    case 'constant':
      return { pi: 'pi', oo: 'oo', E: 'E', I: 'I', EmptySet: 'S.EmptySet' }[node.name];
    case 'add':
      return `Add(${list(node.args)})`;
    case 'mul':
      return `Mul(${list(node.args)})`;
    case 'pow':
      return `Pow(${sympySource(node.base)}, ${sympySource(node.exponent)})`;
    case 'function': {
      const name = { Abs: 'Abs', Max: 'Max', Min: 'Min', Mod: 'Mod', floor: 'floor', ceiling: 'ceiling' }[node.name] ?? node.name;
      if (!/^[A-Za-z]+$/.test(name)) throw new Error(`no sympy function for ${name}`);
      return `${name}(${list(node.args)})`;
    }
    case 'relation':
      return `${node.operator}(${sympySource(node.left)}, ${sympySource(node.right)})`;
    case 'matrix':
      return `Matrix([${node.rows.map((row) => `[${list(row)}]`).join(', ')}])`;
    case 'opaque':
      throw new Error('an expression sympy cannot be given');
  }
}

export type SymbolicOutcome = 'equal' | 'different' | 'timeout' | 'error';

/** What the session defines once: `__mc_equal(a, b)` and `__mc_proportional(a, b)` print 1 or 0. */
const PRELUDE = `
from sympy import *
def __mc_equal(a, b):
    try:
        difference = simplify(a - b)
        if difference == 0:
            return 1
        if difference.is_number:
            if difference.is_rational:
                return 0
            scale = Max(Abs(a), Abs(b))
            relative = N(Abs(difference) / scale, 30) if scale != 0 else N(Abs(difference), 30)
            return 1 if relative.is_number and relative < Float('1e-12') else 0
        return 1 if a.equals(b) else 0
    except Exception:
        return 0
def __mc_proportional(a, b):
    try:
        ratio = simplify(a / b)
        return 1 if ratio.is_number and ratio != 0 and ratio.is_finite else 0
    except Exception:
        return 0
`;

export interface SymbolicCheckerOptions {
  /** The limit of one comparison, in milliseconds. */
  readonly timeoutMs?: number;
}

export class SymbolicChecker {
  private session: SandboxSession | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  /** Comparisons sent to sympy, and how many of them ran out of time. */
  calls = 0;
  timeouts = 0;

  /** `createSession` is called when sympy is first needed (and again if the session had to be killed). */
  constructor(
    private readonly createSession: () => Promise<SandboxSession>,
    private readonly options: SymbolicCheckerOptions = {},
  ) {}

  private async ready(): Promise<SandboxSession> {
    if (this.session && !this.session.closed) return this.session;
    const session = await this.createSession();
    const result = await session.run(PRELUDE, { timeoutMs: 60_000 });
    if (result.status !== 'ok') throw new Error(`sympy could not be loaded in the sandbox: ${result.error?.value ?? result.status}`);
    this.session = session;
    return session;
  }

  /** Whether `a - b` simplifies to zero (or, with `proportional`, `a / b` to a nonzero constant). */
  compare(a: SympyNode, b: SympyNode, mode: 'equal' | 'proportional' = 'equal'): Promise<SymbolicOutcome> {
    let left: string;
    let right: string;
    try {
      left = sympySource(a);
      right = sympySource(b);
    } catch {
      return Promise.resolve('error');
    }
    const task = this.queue.then(async () => {
      this.calls += 1;
      const session = await this.ready();
      const timeoutMs = this.options.timeoutMs ?? 3_000;
      const result = await session.run(`print(__mc_${mode}(${left}, ${right}))`, { timeoutMs });
      // A comparison that came back past its limit lost its interrupt on the way (Python ignores an exception
      // raised in a finalizer, such as a generator closed as it is collected, and the cell runs on): it may have
      // answered from a computation the interrupt cut short, so it proves nothing.
      if (result.status === 'timeout' || result.status === 'killed' || result.durationMs >= timeoutMs) {
        this.timeouts += 1;
        if (result.status === 'killed' || result.stateLost) this.session = null;
        return 'timeout' as const;
      }
      const printed = result.streams.map((chunk) => chunk.text).join('').trim();
      if (result.status !== 'ok') return 'error' as const;
      return printed === '1' ? ('equal' as const) : ('different' as const);
    });
    this.queue = task.catch(() => undefined);
    return task;
  }

  async close(): Promise<void> {
    await this.queue;
    await this.session?.close();
    this.session = null;
  }
}
