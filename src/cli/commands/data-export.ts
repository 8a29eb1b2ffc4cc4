import type { Command } from 'commander';
import { distinctFiles, inputRowFiles, outputFile } from '../input-checks.js';
import { runCommand } from '../run-command.js';

export interface ExportFlags {
  readonly out: string;
  readonly stats?: string;
  readonly tokenizer: string;
  readonly messagesOnly?: boolean;
}

/** The stats report's path: --stats, or OUT with .stats.md. */
export function exportStatsPath(flags: Pick<ExportFlags, 'out' | 'stats'>): string {
  return flags.stats ?? `${flags.out.replace(/\.jsonl$/, '')}.stats.md`;
}

export function registerDataExportCommand(data: Command): void {
  data
    .command('export')
    .description('write train_80k.jsonl-compatible rows (each checked to render and parse back identically) and the stats of what was written')
    .argument('<in...>', 'JSONL files of training examples (the output of data clean, or kept.jsonl of d0/d1)')
    .requiredOption('--out <file>', 'the train_80k-format file')
    .option('--stats <file>', 'the stats report (Markdown; a .json beside it) (default: OUT with .stats.md)')
    .option('--tokenizer <path-or-id>', 'tokenizer for the lengths: tokenizer.json, tokenizer.model, a folder with one, "llama2" (built in) or a cached Hugging Face id', 'llama2')
    .option('--messages-only', 'write only id and messages (as the released file), not the source and provenance of each row')
    .action((inputs: string[], flags: ExportFlags) =>
      runCommand(async () => {
        inputRowFiles(inputs, 'training examples');
        const stats = exportStatsPath(flags);
        outputFile(flags.out);
        outputFile(stats, '--stats');
        distinctFiles({ '--out': flags.out, '--stats': stats, ...Object.fromEntries(inputs.map((input, index) => [`input ${index + 1}`, input])) });
        const { runExport } = await import('./data-export-run.js');
        await runExport(inputs, flags);
      }),
    );
}
