import { MathcoderError } from '../../errors.js';
import { solveProblem, solveRecord, type SolveOptionsInput } from '../../solve/index.js';
import { backendFromFlags } from '../backend-connect.js';
import { cellTimeoutMs, promptSettings } from '../dialect-settings.js';
import { startSandbox } from '../sandbox-start.js';
import { solveLimits } from '../solve-flags.js';
import { SolveDisplay } from './solve-display.js';
import type { SolveFlags } from './solve.js';

/** `mathcoder solve`, its input checked: connects the model, starts the sandbox, solves, shows the solution. */
export async function runSolve(question: string, flags: SolveFlags): Promise<void> {
  const backend = await backendFromFlags(flags);
  try {
    const sandbox = await startSandbox(flags, { poolSize: 0 });
    try {
      const display = flags.json ? null : new SolveDisplay(process.stdout);
      const options: SolveOptionsInput = {
        syntax: flags.syntax,
        prompt: promptSettings(flags, flags.syntax),
        limits: solveLimits(flags),
        sampling: { temperature: flags.temperature, topP: flags.topP, ...(flags.seed === undefined ? {} : { seed: flags.seed }) },
        cellTimeoutMs: cellTimeoutMs(flags, flags.syntax),
        ...(display ? { onEvent: (event) => display.handle(event) } : {}),
      };
      const result = await solveProblem(question, backend, sandbox, options);
      if (display) display.finish(result);
      else process.stdout.write(`${JSON.stringify(solveRecord(result))}\n`);
      // The model server's failure is the command's error: said once, on standard error.
      if (result.stopReason === 'backend_error') throw new MathcoderError('backend', result.error ?? 'the model server failed');
    } finally {
      await sandbox.close();
    }
  } finally {
    await backend.close();
  }
}
