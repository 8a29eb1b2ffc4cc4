import type { Command } from 'commander';
import { MathcoderError } from '../errors.js';
import { getSyntax, type SyntaxName } from '../format/index.js';
import { PythonSandbox } from '../sandbox/python-sandbox.js';
import type { SandboxOptionsInput } from '../sandbox/options.js';
import type { SandboxInfo } from '../sandbox/types.js';
import { positiveNumber } from './run-command.js';

/** The sandbox flags every command that runs Python shares. */
export function addSandboxFlags(command: Command): Command {
  return command
    .option('--python <path>', 'Python interpreter with sympy, numpy and IPython (default: MATHCODER_PYTHON, /usr/bin/python3, python3)')
    .option('--isolation <method>', 'sandbox isolation: auto, bwrap, unshare or none', 'auto')
    .option('--cell-timeout <seconds>', "wall-clock limit of one code cell (default: the dialect's own: 5 s qwen and retool, 120 s harmony, else 10 s)", positiveNumber('--cell-timeout'));
}

export interface SandboxFlagValues {
  readonly python?: string;
  readonly isolation: string;
  readonly cellTimeout?: number;
}

/** The sandbox's own cell time limit when the flag is not given. */
const DEFAULT_CELL_TIMEOUT_SECONDS = 10;

/** The cell time limit of a run: the flag, else the dialect's own, else the sandbox's default. */
export function cellTimeoutMs(flags: Pick<SandboxFlagValues, 'cellTimeout'>, syntax?: SyntaxName): number {
  if (flags.cellTimeout !== undefined) return flags.cellTimeout * 1000;
  return (syntax === undefined ? null : getSyntax(syntax).execution.timeoutMs) ?? DEFAULT_CELL_TIMEOUT_SECONDS * 1000;
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
    timeoutMs: cellTimeoutMs(flags),
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
