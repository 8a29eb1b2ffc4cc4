import type { Command } from 'commander';
import { MathcoderError } from '../errors.js';
import { PythonSandbox } from '../sandbox/python-sandbox.js';
import type { SandboxOptionsInput } from '../sandbox/options.js';
import type { SandboxInfo } from '../sandbox/types.js';
import { positiveNumber } from './run-command.js';

/** The sandbox flags every command that runs Python shares. */
export function addSandboxFlags(command: Command): Command {
  return command
    .option('--python <path>', 'Python interpreter with sympy, numpy and IPython (default: MATHCODER_PYTHON, /usr/bin/python3, python3)')
    .option('--isolation <method>', 'sandbox isolation: auto, bwrap, unshare or none', 'auto')
    .option('--cell-timeout <seconds>', 'wall-clock limit of one code cell', positiveNumber('--cell-timeout'), 10);
}

export interface SandboxFlagValues {
  readonly python?: string;
  readonly isolation: string;
  readonly cellTimeout: number;
}

/** Resolves the sandbox flags (flag > environment > default) and starts the sandbox. */
export async function startSandbox(flags: SandboxFlagValues, extra: SandboxOptionsInput = {}): Promise<PythonSandbox> {
  if (!['auto', 'bwrap', 'unshare', 'none'].includes(flags.isolation)) {
    throw new MathcoderError('input', `--isolation must be auto, bwrap, unshare or none, got "${flags.isolation}"`);
  }
  const python = flags.python ?? process.env.MATHCODER_PYTHON;
  return PythonSandbox.start({
    ...extra,
    ...(python ? { python } : {}),
    ...(process.env.PATH === undefined ? {} : { pathVariable: process.env.PATH }),
    isolation: flags.isolation as 'auto',
    timeoutMs: flags.cellTimeout * 1000,
  });
}

export function describeSandbox(info: SandboxInfo): string {
  const { python, isolation } = info;
  return (
    `python ${python.executable} ${python.python} (sympy ${python.sympy}, numpy ${python.numpy}, IPython ${python.ipython}); ` +
    `isolation ${isolation.method}: network ${isolation.network}, file system ${isolation.filesystem}, user ${isolation.user}, ` +
    `processes ${isolation.processes}, /tmp ${isolation.tmp}, memory ${isolation.memory}`
  );
}
