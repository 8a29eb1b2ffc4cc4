import { Option, type Command } from 'commander';
import { pythonFlag } from './input-checks.js';
import { positiveNumber } from './run-command.js';

/** How the sandbox is isolated: `auto` takes the strongest this machine allows. */
export const ISOLATION_CHOICES = ['auto', 'bwrap', 'unshare', 'none'] as const;
export type IsolationChoice = (typeof ISOLATION_CHOICES)[number];

/** The flag of the Python interpreter, shared by every command that runs Python. */
export function addPythonFlag(command: Command): Command {
  return command.option('--python <path>', 'Python interpreter with sympy, numpy and IPython (default: MATHCODER_PYTHON, then the first of /usr/bin/python3, python3 that has them)');
}

export function isolationOption(): Option {
  return new Option('--isolation <method>', 'sandbox isolation (auto: the strongest this machine allows)').choices([...ISOLATION_CHOICES]).default('auto');
}

/** The sandbox flags every command that runs Python shares. */
export function addSandboxFlags(command: Command): Command {
  return addPythonFlag(command)
    .addOption(isolationOption())
    .option('--cell-timeout <seconds>', "wall-clock limit of one code cell (default: the dialect's own: 5 s qwen and retool, 120 s harmony, else 10 s)", positiveNumber('--cell-timeout'));
}

export interface SandboxFlagValues {
  readonly python?: string;
  readonly isolation: IsolationChoice;
  /** Absent: the dialect's own limit (cellTimeoutMs). */
  readonly cellTimeout?: number;
}

/** The sandbox flags checked before anything starts: a named interpreter exists. */
export function checkSandboxFlags(flags: Pick<SandboxFlagValues, 'python'>): void {
  pythonFlag(flags.python ?? process.env.MATHCODER_PYTHON, flags.python === undefined ? 'MATHCODER_PYTHON' : '--python');
}
