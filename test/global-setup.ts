import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Gives the whole test run a temporary folder of its own (TMPDIR for the test workers and every process they
 * start: the CLI, sandboxes, servers) and removes it at the end, so that a run leaves nothing in the machine's
 * temporary directory, also when a test was killed half-way or a child process was SIGKILLed on purpose.
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'mathcoder-tests-'));
  process.env.TMPDIR = root;
  return () => rmSync(root, { recursive: true, force: true });
}
