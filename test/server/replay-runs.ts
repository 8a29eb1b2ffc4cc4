import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EvalRow } from '../../src/eval/index.js';
import { runCli } from '../helpers/cli.js';
import { sharedPath } from '../helpers/shared.js';

/** The published SVAMP outputs of MathCoder-CL-7B, the file the view's runs replay. */
export const SVAMP_TRAJECTORIES = sharedPath('trajectories', 'mathcoder-cl-7b', 'svamp.jsonl');
/** MathCoder-CL-7B on the Mathematics set: questions with `*` and `**` (which Markdown would read as emphasis). */
export const MATHEMATICS_TRAJECTORIES = sharedPath('trajectories', 'mathcoder-cl-7b', 'mathematics.jsonl');
/** MathCoder-L-7B's right MATH answers (levels, subjects and LaTeX). */
export const MATH_TRAJECTORIES = sharedPath('trajectories', 'mathcoder-l-7b', 'math.correct.jsonl');

/**
 * Makes a run folder with `mathcoder eval --backend replay` (the built CLI) from published trajectories: real
 * solves through the stand-in server and the sandbox, graded by both graders.
 */
export async function makeReplayRun(out: string, trajectories: string, limit: number, extra: readonly string[] = []): Promise<void> {
  const result = await runCli(['eval', '--backend', 'replay', '--trajectories', trajectories, '--data-dir', sharedPath('data'), '--out', out, '--limit', String(limit), '--concurrency', '4', ...extra]);
  if (result.code !== 0) throw new Error(`mathcoder eval failed: ${result.stderr}`);
}

/**
 * The rows of a run (read directly, not through the server) in the order the server lists them: the dataset
 * order, which for these one-dataset runs is each problem's position in its file.
 */
export function readRows(runDir: string): EvalRow[] {
  return readFileSync(join(runDir, 'results.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as EvalRow)
    .sort((a, b) => a.index! - b.index! || a.sample - b.sample);
}

export function temporaryFolder(prefix: string): { folder: string; remove: () => void } {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  return { folder, remove: () => rmSync(folder, { recursive: true, force: true }) };
}
