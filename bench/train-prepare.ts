/**
 * Speed of `mathcoder train prepare` against a naive one-row-at-a-time tokenisation, in the same run.
 *
 * prepare: 10,000 rows (the shared published trajectories, repeated) streamed from a JSONL file through rendering,
 * one tokenisation of each row with its sections, labels, best-fit packing and the JSONL + Parquet writers.
 * naive: what open-instruct / ToRA do, row by row: tokenise the whole rendered text with @huggingface/tokenizers,
 * then find each span boundary by re-tokenising the prefix up to it (measured on the first 1,000 rows; the rate is
 * per token, so the row counts need not match). Both give the same ids and labels (checked on 50 rows).
 *
 *   node --import tsx bench/train-prepare.ts [rows]
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { parsePublishedRow, publishedConversation, publishedTrajectory, toTrainRow, type Conversation } from '../src/format/index.js';
import { loadTokenizer } from '../src/tokenizer/index.js';
import { IGNORE_INDEX, lossSpans, prepareTrainingData, tokenizeSample } from '../src/train/index.js';
import { readJsonlSync } from '../src/util/jsonl.js';

const ROWS = Number(process.argv[2] ?? 10_000);
const NAIVE_ROWS = Math.min(1_000, ROWS);
const shared = join(process.cwd(), '..', 'shared', 'trajectories');

const conversations: Conversation[] = readdirSync(shared)
  .sort()
  .flatMap((model) =>
    readdirSync(join(shared, model))
      .filter((name) => name.endsWith('.jsonl'))
      .sort()
      .flatMap((name) =>
        readJsonlSync(join(shared, model, name)).map(({ lineNumber, value }) => ({
          ...publishedConversation(publishedTrajectory(parsePublishedRow(value, `${name}:${lineNumber}`)), { querySuffix: '\n' }),
          open: false,
        })),
      ),
  );
const rows = Array.from({ length: ROWS }, (_, index) => conversations[index % conversations.length]!);
const folder = mkdtempSync(join(tmpdir(), 'mathcoder-bench-prepare-'));
const input = join(folder, 'rows.jsonl');
writeFileSync(input, rows.map((conversation, index) => JSON.stringify(toTrainRow(conversation, { id: `row-${index}` }))).join('\n') + '\n');

const tokenizer = loadTokenizer('llama2');
const library = new Tokenizer(tokenizer.json, {});

function naiveSample(conversation: Conversation): { inputIds: number[]; labels: number[] } {
  const spans = lossSpans(conversation, 'paper', 'bench');
  const text = spans.map((span) => span.text).join('');
  const inputIds = [tokenizer.bosId!, ...library.encode(text, { add_special_tokens: false }).ids];
  const labels = new Array<number>(inputIds.length).fill(IGNORE_INDEX);
  let prefix = '';
  let start = 1;
  for (const span of spans) {
    prefix += span.text;
    const end = 1 + library.encode(prefix, { add_special_tokens: false }).ids.length;
    if (span.trained) for (let index = start; index < end; index++) labels[index] = inputIds[index]!;
    start = end;
  }
  labels[0] = IGNORE_INDEX;
  return { inputIds, labels };
}

for (const conversation of rows.slice(0, 50)) {
  const fast = tokenizeSample(conversation, tokenizer, { lossPolicy: 'paper', bos: true }, 'bench');
  const slow = naiveSample(conversation);
  if (JSON.stringify(fast) !== JSON.stringify(slow)) throw new Error('prepare and the naive tokenisation disagree');
}

let started = performance.now();
let naiveTokens = 0;
for (const conversation of rows.slice(0, NAIVE_ROWS)) naiveTokens += naiveSample(conversation).inputIds.length;
const naiveSeconds = (performance.now() - started) / 1000;

started = performance.now();
const manifest = await prepareTrainingData({
  inputs: [input],
  outDir: join(folder, 'out'),
  tokenizer,
  contextLength: 2048,
  lossPolicy: 'paper',
  tooLong: 'truncate',
  bos: true,
  querySuffix: '\n',
  openRows: 64,
  parquet: true,
});
const prepareSeconds = (performance.now() - started) / 1000;

const prepareRate = manifest.stats.tokens / prepareSeconds;
const naiveRate = naiveTokens / naiveSeconds;
console.log(`prepare: ${manifest.stats.rows} rows, ${manifest.stats.tokens} tokens in ${prepareSeconds.toFixed(1)} s = ${Math.round(prepareRate)} tokens/s (packed ${manifest.stats.packedRows} rows, efficiency ${(100 * manifest.stats.packingEfficiency).toFixed(1)}%)`);
console.log(`naive:   ${NAIVE_ROWS} rows, ${naiveTokens} tokens in ${naiveSeconds.toFixed(1)} s = ${Math.round(naiveRate)} tokens/s`);
console.log(`ratio:   prepare is ${(prepareRate / naiveRate).toFixed(1)}x the naive rate`);
rmSync(folder, { recursive: true, force: true });
