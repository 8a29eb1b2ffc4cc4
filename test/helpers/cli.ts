import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from './shared.js';

/** The built CLI, as a user runs it (`npm test` builds dist/ first). */
const CLI = [join(REPO_ROOT, 'dist', 'cli', 'main.js')];

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `mathcoder ARGS` and collects its output; `nodeArgs` go to Node before the CLI (e.g. `--import` hooks). The
 * command is killed after `timeoutMs` (10 minutes unless given): a deadline for a hang, never for a slow machine.
 */
export function runCli(args: readonly string[], options: { env?: Record<string, string>; input?: string; timeoutMs?: number; nodeArgs?: readonly string[] } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...CLI, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 600_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Starts a long-running command and waits for its first line of output (e.g. a server's URL). */
export async function startCli(args: readonly string[], options: { env?: Record<string, string> } = {}): Promise<{ child: ChildProcess; firstLine: string }> {
  const child = spawn(process.execPath, [...CLI, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = createInterface({ input: child.stdout! });
  const firstLine = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the command exited (${code}) before printing a line`)));
  });
  return { child, firstLine };
}
