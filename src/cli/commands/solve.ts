import { existsSync, readFileSync } from 'node:fs';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { MathcoderError } from '../../errors.js';
import { SYSTEM_PROMPTS, type SystemPromptName } from '../../format/index.js';
import { DEFAULT_LIMITS, solveProblem, solveRecord, type SolveOptionsInput } from '../../solve/index.js';
import { addBackendFlags, backendFromFlags, type BackendFlagValues } from '../backend-flags.js';
import { positiveInteger, positiveNumber, runCommand } from '../run-command.js';
import { addSandboxFlags, startSandbox, type SandboxFlagValues } from '../sandbox-flags.js';
import { SolveDisplay } from './solve-display.js';

interface SolveFlags extends BackendFlagValues, SandboxFlagValues {
  readonly file?: string;
  readonly json?: boolean;
  readonly system: SystemPromptName;
  readonly maxRounds: number;
  readonly maxTokens: number;
  readonly deadline?: number;
  readonly loopRepeats: number;
  readonly temperature: number;
  readonly topP: number;
  readonly seed?: number;
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

function nonNegativeInteger(name: string): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (!Number.isInteger(number) || number < 0) throw new InvalidArgumentError(`${name} must be a whole number, 0 or more.`);
    return number;
  };
}

export function registerSolveCommand(program: Command): void {
  const command = program
    .command('solve')
    .description('solve a math problem with interleaved reasoning and Python code, streaming the solution as it is written')
    .argument('[question]', 'the problem (or --file, or standard input)')
    .option('--file <path>', 'read the problem from a file')
    .option('--json', 'write the trajectory as JSON (blocks, answer, stop_reason, tokens, timings) instead of streaming it')
    .addOption(new Option('--system <name>', 'system prompt: data (the published runs), boxed (--syspt), empty').choices(Object.keys(SYSTEM_PROMPTS)).default('data'))
    .option('--max-rounds <n>', `generation calls per problem (${DEFAULT_LIMITS.maxRounds} as the released code, 32 as the paper)`, positiveInteger('--max-rounds'), DEFAULT_LIMITS.maxRounds)
    .option('--max-tokens <n>', 'new tokens per generation call', positiveInteger('--max-tokens'), DEFAULT_LIMITS.maxTokensPerBlock)
    .option('--deadline <seconds>', 'wall-clock limit for the problem', positiveNumber('--deadline'))
    .option('--loop-repeats <n>', 'stop when the same code block is written this many times (0: never)', nonNegativeInteger('--loop-repeats'), DEFAULT_LIMITS.loopRepeats ?? 0)
    .option('--temperature <t>', 'sampling temperature (0: greedy, as MathCoder)', (value) => Number(value), 0)
    .option('--top-p <p>', 'nucleus sampling', (value) => Number(value), 1)
    .option('--seed <n>', 'sampling seed', (value) => Number.parseInt(value, 10));
  addSandboxFlags(addBackendFlags(command)).action((question: string | undefined, flags: SolveFlags) =>
    runCommand(async () => {
      if (!Number.isFinite(flags.temperature) || flags.temperature < 0) throw new MathcoderError('input', '--temperature must be 0 or more');
      if (!Number.isFinite(flags.topP) || flags.topP <= 0 || flags.topP > 1) throw new MathcoderError('input', '--top-p must be in (0, 1]');
      const text = await readQuestion(question, flags.file);
      const backend = await backendFromFlags(flags);
      try {
        const sandbox = await startSandbox(flags, { poolSize: 1 });
        try {
          const display = flags.json ? null : new SolveDisplay(process.stdout);
          const options: SolveOptionsInput = {
            syntax: flags.syntax,
            prompt: { system: SYSTEM_PROMPTS[flags.system] },
            limits: {
              maxRounds: flags.maxRounds,
              maxTokensPerBlock: flags.maxTokens,
              deadlineMs: flags.deadline === undefined ? null : flags.deadline * 1000,
              loopRepeats: flags.loopRepeats === 0 ? null : flags.loopRepeats,
            },
            sampling: { temperature: flags.temperature, topP: flags.topP, ...(flags.seed === undefined ? {} : { seed: flags.seed }) },
            cellTimeoutMs: flags.cellTimeout * 1000,
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
