#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
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
import { runCommand } from './run-command.js';

const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command()
  .name('mathcoder')
  .description('MathCoder: math problems solved with interleaved reasoning and Python code, in a stateful sandbox')
  .version(packageJson.version)
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

registerReplayCommand(program);
registerSolveCommand(program);
registerReplayServerCommand(program);
registerDatasetsCommand(program);
registerGradeCommand(program);
registerEvalCommand(program);
registerReportCommand(program);
registerTrainCommand(program);
registerDataCommand(program);
registerServeCommand(program);
registerViewCommand(program);

await runCommand(async () => {
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    // commander has already printed its own one-line message (unknown option, bad value, --help).
    if (!(error instanceof CommanderError)) throw error;
    process.exitCode = error.exitCode;
  }
});
