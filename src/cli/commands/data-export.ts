import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { exportRows } from '../../build-data/export-rows.js';
import { exportStatsMarkdown } from '../../build-data/stats-report.js';
import { createProgress, type ProgressReporter } from '../../util/progress.js';
import { runCommand } from '../run-command.js';
import { tokenizerFromFlag } from '../tokenizer-flag.js';

interface ExportFlags {
  readonly out: string;
  readonly stats?: string;
  readonly tokenizer: string;
  readonly messagesOnly?: boolean;
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
        const tokenizer = tokenizerFromFlag(flags.tokenizer);
        let bar: ProgressReporter | null = null;
        const stats = await exportRows({
          inputs,
          outPath: resolve(flags.out),
          tokenizer,
          messagesOnly: Boolean(flags.messagesOnly),
          onProgress: (done, total) => {
            bar ??= createProgress({ label: 'export', total, unit: 'rows' });
            bar.update(done);
          },
        }).finally(() => (bar as ProgressReporter | null)?.stop());
        const statsPath = resolve(flags.stats ?? `${flags.out.replace(/\.jsonl$/, '')}.stats.md`);
        const markdown = exportStatsMarkdown(stats, flags.out);
        writeFileSync(statsPath, markdown);
        writeFileSync(statsPath.replace(/\.md$/, '') + '.json', JSON.stringify(stats, null, 2) + '\n');
        process.stdout.write(markdown);
        process.stderr.write(`wrote ${stats.rows} rows to ${flags.out}; stats: ${statsPath}\n`);
      }),
    );
}
