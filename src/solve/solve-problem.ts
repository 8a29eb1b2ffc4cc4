import type { ModelBackend } from '../llm/create-backend.js';
import type { Sandbox } from '../sandbox/types.js';
import { solveWithChat } from './solve-with-chat.js';
import { solveWithCompletions } from './solve-with-completions.js';
import { resolveSolveOptions, type SolveOptionsInput } from './solve-options.js';
import type { SolveResult } from './types.js';

export type { ModelBackend };

/**
 * Solves one problem: a sandbox session of its own (from the shared `sandbox`) and, for the embedded engine, a
 * context sequence of its own. Problems may run concurrently on one backend and one sandbox: each call is
 * independent, and the embedded backend makes a call wait while all its sequences are in use.
 * Infrastructure failures that end only this problem (a server down after retries, the context window, the
 * deadline) are recorded as the stop reason; anything else (bad options, a broken sandbox) throws.
 */
export function solveProblem(question: string, backend: ModelBackend, sandbox: Sandbox, options: SolveOptionsInput = {}): Promise<SolveResult> {
  const resolved = resolveSolveOptions(options);
  return backend.protocol === 'chat' ? solveWithChat(question, backend, sandbox, resolved) : solveWithCompletions(question, backend, sandbox, resolved);
}
