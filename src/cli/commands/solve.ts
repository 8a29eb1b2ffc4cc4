import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { MathcoderError } from '../../errors.js';
import { checkBackendFlags, checkBackendReachable } from '../backend-checks.js';
import { addBackendFlags, type BackendFlagValues } from '../backend-flags.js';
import { inputFile } from '../input-checks.js';
import { runCommand } from '../run-command.js';
import { addSandboxFlags, checkSandboxFlags, type SandboxFlagValues } from '../sandbox-flags.js';
import { addSolveFlags, type SolveFlagValues } from '../solve-flags.js';

export interface SolveFlags extends BackendFlagValues, SandboxFlagValues, SolveFlagValues {
  readonly file?: string;
  readonly json?: boolean;
}

async function readQuestion(argument: string | undefined, file: string | undefined): Promise<string> {
  if (argument !== undefined && file !== undefined) throw new MathcoderError('input', 'give the question either as an argument or with --file, not both');
  let question: string;
  if (file !== undefined) {
    inputFile(file, '--file');
    question = readFileSync(file, 'utf8');
  } else if (argument !== undefined) {
    question = argument;
  } else if (!process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin as AsyncIterable<Buffer>) chunks.push(chunk);
    question = Buffer.concat(chunks).toString('utf8');
  } else {
    throw new MathcoderError('input', 'give the question as an argument, with --file, or on standard input');
  }
  question = question.trim();
  if (question === '') throw new MathcoderError('input', `the question is empty${file === undefined ? '' : ` (${file})`}`);
  return question;
}

export function registerSolveCommand(program: Command): void {
  const command = program
    .command('solve')
    .description('solve a math problem with interleaved reasoning and Python code, streaming the solution as it is written')
    .argument('[question]', 'the problem (or --file, or standard input)')
    .option('--file <path>', 'read the problem from a file')
    .option('--json', 'write the trajectory as JSON (blocks, answer, stop_reason, tokens, timings) instead of streaming it');
  addSandboxFlags(addBackendFlags(addSolveFlags(command, { noun: 'problem' }))).action((question: string | undefined, flags: SolveFlags) =>
    runCommand(async () => {
      await checkBackendFlags(flags);
      checkSandboxFlags(flags);
      const text = await readQuestion(question, flags.file);
      await checkBackendReachable(flags);
      const { runSolve } = await import('./solve-run.js');
      await runSolve(text, flags);
    }),
  );
}
