import type { PythonSandbox } from '../sandbox/python-sandbox.js';
import type { SandboxOptionsInput } from '../sandbox/options.js';
import type { SandboxInfo } from '../sandbox/types.js';
import { cellTimeoutMs } from './dialect-settings.js';
import type { SandboxFlagValues } from './sandbox-flags.js';

/** Resolves the sandbox flags (flag > environment > default) and starts the sandbox (its module is loaded only then). */
export async function startSandbox(flags: SandboxFlagValues, extra: SandboxOptionsInput = {}): Promise<PythonSandbox> {
  const { PythonSandbox } = await import('../sandbox/python-sandbox.js');
  const python = flags.python ?? process.env.MATHCODER_PYTHON;
  return PythonSandbox.start({
    ...extra,
    ...(python ? { python } : {}),
    ...(process.env.PATH === undefined ? {} : { pathVariable: process.env.PATH }),
    isolation: flags.isolation,
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
