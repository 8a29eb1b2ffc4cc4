import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { exportRows } from '../../build-data/export-rows.js';
import { exportStatsMarkdown } from '../../build-data/stats-report.js';
import { createProgress, type ProgressReporter } from '../../util/progress.js';
import { tokenizerFromFlag } from '../tokenizer-flag.js';
import { exportStatsPath, type ExportFlags } from './data-export.js';

/** `mathcoder data export`, its input checked: writes the train_80k rows and their stats. */
export async function runExport(inputs: readonly string[], flags: ExportFlags): Promise<void> {
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
  const statsPath = resolve(exportStatsPath(flags));
  const markdown = exportStatsMarkdown(stats, flags.out);
  writeFileSync(statsPath, markdown);
  writeFileSync(statsPath.replace(/\.md$/, '') + '.json', JSON.stringify(stats, null, 2) + '\n');
  process.stdout.write(markdown);
  process.stderr.write(`wrote ${stats.rows} rows to ${flags.out}; stats: ${statsPath}\n`);
}
