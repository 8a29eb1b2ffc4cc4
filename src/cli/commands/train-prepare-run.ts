import { join } from 'node:path';
import { countLines } from '../../build-data/count-lines.js';
import { prepareTrainingData, type PrepareStats } from '../../train/index.js';
import { createProgress } from '../../util/progress.js';
import { tokenizerFromFlag } from '../tokenizer-flag.js';
import type { PrepareFlags } from './train.js';

function percent(value: number): string {
  return `${(100 * value).toFixed(1)}%`;
}

export function statsLines(stats: PrepareStats): string[] {
  return [
    `rows ${stats.rows}: ${stats.samples} samples packed, ${stats.droppedTooLong} dropped and ${stats.truncated} truncated for being longer than ${stats.contextLength} tokens (longest ${stats.longestSample}), ${stats.unfinished} unfinished`,
    `tokens ${stats.tokens}, trained ${stats.trainedTokens} (${percent(stats.trainedShare)})`,
    `packed rows ${stats.packedRows} of ${stats.contextLength} tokens, packing efficiency ${percent(stats.packingEfficiency)}`,
  ];
}

/** `mathcoder train prepare`, its input checked: tokenises, masks and packs the rows, then prints the statistics. */
export async function runPrepare(data: readonly string[], flags: PrepareFlags): Promise<void> {
  const tokenizer = tokenizerFromFlag(flags.tokenizer, flags.specialTokens);
  let total = 0;
  for (const file of data) total += await countLines(file);
  const progress = createProgress({ label: 'prepare', total: Math.max(total, 1), unit: 'rows', fieldNames: ['tokens', 'packed'] });
  const manifest = await prepareTrainingData({
    inputs: data,
    outDir: flags.out,
    tokenizer,
    contextLength: flags.contextLength,
    lossPolicy: flags.loss,
    tooLong: flags.tooLong,
    bos: flags.bos,
    querySuffix: flags.querySuffix,
    openRows: flags.openRows,
    parquet: flags.parquet,
    onProgress: (rows, stats) => progress.update(Math.min(rows, total), { tokens: String(stats.tokens), packed: String(stats.packedRows) }),
  }).finally(() => progress.stop());
  if (flags.json) {
    console.log(JSON.stringify(manifest, null, 2));
    return;
  }
  for (const line of statsLines(manifest.stats)) console.log(line);
  console.log(`wrote ${join(flags.out, manifest.files.jsonl)}${manifest.files.parquet ? `, ${join(flags.out, manifest.files.parquet)}` : ''} and ${join(flags.out, 'prepare.json')} (tokenizer ${tokenizer.source}, ${tokenizer.size} ids)`);
}
