import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { runCommand } from '../run-command.js';
import { addServerFlags, serveRuns, type ServeFlags } from './serve.js';

/** Opens a URL in the desktop's browser, if there is one; says so when it cannot. */
function openBrowser(url: string): void {
  const [command, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  const child = spawn(command, args, { detached: true, stdio: 'ignore' });
  child.on('error', () => process.stderr.write(`cannot open a browser (${command} failed): open ${url} yourself\n`));
  child.unref();
}

export function registerViewCommand(program: Command): void {
  const command = program
    .command('view')
    .description('browse runs in a web page: accuracy against the paper, charts, every problem with its trajectory, run comparisons, and a playground that solves live')
    .argument('[run-dirs...]', 'run folders (made by mathcoder eval --out DIR), or folders of runs')
    .option('--open', 'open the page in the default browser');
  addServerFlags(command, { port: 0 }).action((runDirs: string[], flags: ServeFlags & { open?: boolean }) =>
    runCommand(() => serveRuns(flags, runDirs, (url) => (flags.open ? openBrowser(url) : undefined))),
  );
}
