import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { MathcoderError } from '../../errors.js';
import { solveProblem, solveRecord, type SolveOptionsInput } from '../../solve/index.js';
import { addBackendFlags, backendFromFlags, type BackendFlagValues } from '../backend-flags.js';
import { runCommand } from '../run-command.js';
import { addSandboxFlags, cellTimeoutMs, startSandbox, type SandboxFlagValues } from '../sandbox-flags.js';
import { addSolveFlags, promptSettings, solveLimits, type SolveFlagValues } from '../solve-flags.js';
import { SolveDisplay } from './solve-display.js';

interface SolveFlags extends BackendFlagValues, SandboxFlagValues, SolveFlagValues {
  readonly file?: string;
  readonly json?: boolean;
}

async function readQuestion(argument: string | undefined, file: string | undefined): Promise<string> {
  if (argument !== undefined && file !== undefined) throw new MathcoderError('input', 'give the question either as an argument or with --file, not both');
  let question: string;
  if (file !== undefined) {
    if (!existsSync(file)) throw new MathcoderError('input', `cannot read ${file}: no such file`);
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
  if (question === '') throw new MathcoderError('input', 'the question is empty');
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
      const text = await readQuestion(question, flags.file);
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
          const result = await solveProblem(text, backend, sandbox, options);
          if (display) display.finish(result);
          else process.stdout.write(`${JSON.stringify(solveRecord(result))}\n`);
          if (result.stopReason === 'backend_error') throw new MathcoderError('backend', result.error ?? 'the model server failed');
        } finally {
          await sandbox.close();
        }
      } finally {
        await backend.close();
      }
    }),
  );
}
