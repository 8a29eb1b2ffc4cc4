import { exportTrainerData } from '../../train/index.js';
import { tokenizerFromFlag } from '../tokenizer-flag.js';
import type { TrainExportFlags } from './train-export.js';

/** `mathcoder train export`, its input checked: the trainer's data, template and config. */
export async function runTrainExport(data: readonly string[], flags: TrainExportFlags): Promise<void> {
  const report = await exportTrainerData({
    inputs: data,
    outDir: flags.out,
    trainer: flags.trainer,
    model: flags.model,
    tokenizer: tokenizerFromFlag(flags.tokenizer),
    querySuffix: flags.querySuffix,
    contextLength: flags.contextLength,
  });
  console.log(`${flags.trainer}: ${report.written} of ${report.rows} rows written${report.skipped > 0 ? ` (${report.skipped} left out: unfinished or multi-turn, which the format cannot hold)` : ''}`);
  for (const file of report.files) console.log(`  ${file}`);
}
