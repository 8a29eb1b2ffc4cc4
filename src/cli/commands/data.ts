import type { Command } from 'commander';
import { requireSubcommand } from '../run-command.js';
import { registerDataCleanCommand } from './data-clean.js';
import { registerDataD0Command } from './data-d0.js';
import { registerDataD1Command } from './data-d1.js';
import { registerDataExportCommand } from './data-export.js';
import { registerDataSeedCommand } from './data-seed.js';

/** `mathcoder data seed | d0 | d1 | clean | export`: building MathCodeInstruct (the paper's §2.1). */
export function registerDataCommand(program: Command): void {
  const data = program
    .command('data')
    .description('build MathCodeInstruct-style training data: seed problems, D0 teacher solutions, D1 interpolation and self-distillation, cleaning, export');
  registerDataSeedCommand(data);
  registerDataD0Command(data);
  registerDataD1Command(data);
  registerDataCleanCommand(data);
  registerDataExportCommand(data);
  requireSubcommand(data);
}
