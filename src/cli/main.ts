#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Help, type Option } from 'commander';
import { registerDataCommand } from './commands/data.js';
import { registerDatasetsCommand } from './commands/datasets.js';
import { registerEvalCommand } from './commands/eval.js';
import { registerGradeCommand } from './commands/grade.js';
import { registerReplayCommand } from './commands/replay.js';
import { registerReportCommand } from './commands/report.js';
import { registerReplayServerCommand } from './commands/replay-server.js';
import { registerServeCommand } from './commands/serve.js';
import { registerSolveCommand } from './commands/solve.js';
import { registerTrainCommand } from './commands/train.js';
import { registerViewCommand } from './commands/view.js';
import { MathcoderError } from '../errors.js';
import { runCommand } from './run-command.js';

/*
 * The command definitions imported here hold only their flags and the checks of their input: each loads the
 * modules that do the work (the sandbox, llama.cpp, the HTTP server, zod schemas, parquet) when it runs, so
 * `--help` and a bad input answer at once.
 */

const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command()
  .name('mathcoder')
  .description('MathCoder: math problems solved with interleaved reasoning and Python code, in a stateful sandbox')
  .version(packageJson.version)
  .exitOverride()
  // commander's own errors (unknown option, bad value, missing argument) as one line, like every other error.
  .configureOutput({ outputError: (text, write) => write(`mathcoder: ${text.replace(/^error: /, '').trim()}\n`) })
  // Required options say so in the help.
  .configureHelp({
    optionDescription(this: Help, option: Option): string {
      const text = Help.prototype.optionDescription.call(this, option);
      return option.mandatory ? `${text} (required)` : text;
    },
  });

// The commands a newcomer needs first, then the rest.
registerSolveCommand(program);
registerEvalCommand(program);
registerReportCommand(program);
registerViewCommand(program);
registerServeCommand(program);
registerGradeCommand(program);
registerDatasetsCommand(program);
registerDataCommand(program);
registerTrainCommand(program);
registerReplayCommand(program);
registerReplayServerCommand(program);

// `mathcoder` alone shows the help (on standard output: it was asked for); an unknown command is one line.
program.allowExcessArguments().action(function (this: Command) {
  const [given] = this.args;
  if (given === undefined) {
    program.outputHelp();
    return;
  }
  throw new MathcoderError('input', `unknown command '${given}': the commands are ${program.commands.map((command) => command.name()).join(', ')} (see mathcoder --help)`);
});

await runCommand(async () => {
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    // commander has already printed its own one-line message (unknown option, bad value, --help).
    if (!(error instanceof CommanderError)) throw error;
    process.exitCode = error.exitCode;
  }
});
