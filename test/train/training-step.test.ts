import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toTrainRow } from '../../src/format/index.js';
import { loadTokenizer } from '../../src/tokenizer/index.js';
import { PYTHON_DIR, prepareTrainingData } from '../../src/train/index.js';
import { sharedTrajectories } from '../tokenizer/trajectory-texts.js';

/** Debian's python3-torch (scripts/setup.sh installs it). */
const PYTHON = '/usr/bin/python3';
const folder = mkdtempSync(join(tmpdir(), 'mathcoder-step-'));

function python(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(PYTHON, args, { encoding: 'utf8', timeout: 900_000, input, env: { PATH: '/usr/bin:/bin', OMP_NUM_THREADS: '2' } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('a real training step on CPU (plain PyTorch, tiny Llama-shaped model)', () => {
  it('lowers the loss on prepared packed rows, with zero gradient on masked positions and no attention across samples', async () => {
    const input = join(folder, 'rows.jsonl');
    // The twelve shortest of 90 shared trajectories, so that rows of 320 tokens hold several samples.
    const rows = sharedTrajectories(10)
      .map((row) => ({ ...row, length: JSON.stringify(row.conversation).length }))
      .sort((a, b) => a.length - b.length)
      .slice(0, 12);
    writeFileSync(input, rows.map(({ where, conversation }) => JSON.stringify(toTrainRow({ ...conversation, open: false }, { id: where }))).join('\n') + '\n');
    const data = join(folder, 'data');
    const manifest = await prepareTrainingData({
      inputs: [input],
      outDir: data,
      tokenizer: loadTokenizer('llama2'),
      contextLength: 320,
      lossPolicy: 'paper',
      tooLong: 'truncate',
      bos: true,
      querySuffix: '\n',
      openRows: 8,
      parquet: false,
    });
    expect(manifest.stats.packedRows).toBeGreaterThanOrEqual(4);
    const output = join(folder, 'out');
    const run = python([
      join(PYTHON_DIR, 'mathcoder_sft.py'),
      '--data', data, '--model', 'tiny-llama', '--output-dir', output,
      '--learning-rate', '3e-3', '--per-device-batch', '2', '--gradient-accumulation', '1', '--warmup-steps', '2', '--max-steps', '10', '--check',
    ]);
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(output, 'report.json'), 'utf8')) as {
      losses: number[];
      checks: { masked_positions: number; max_grad_on_masked: number; min_grad_on_trained: number; cross_sample_change: number | null };
    };
    const losses = report.losses;
    expect(losses.length).toBe(10);
    expect(losses[0]).toBeGreaterThan(Math.log(32008) - 0.5);
    expect(Math.min(...losses.slice(-3))).toBeLessThan(losses[0]! - 1);
    expect(report.checks.masked_positions).toBeGreaterThan(0);
    expect(report.checks.max_grad_on_masked).toBe(0);
    expect(report.checks.min_grad_on_trained).toBeGreaterThan(0);
    expect(report.checks.cross_sample_change).toBe(0);
  });

  it('initialises the new tokens’ embedding rows to the mean of the old rows, by token id, leaving padding rows alone', () => {
    const script = [
      'import sys, torch',
      `sys.path.insert(0, ${JSON.stringify(PYTHON_DIR)})`,
      'from embedding_init import init_new_rows',
      'torch.manual_seed(0)',
      'weight = torch.randn(16, 4)  # 10 old ids, 2 new ids (10, 11), 4 padding rows as pad_to_multiple_of leaves them',
      'padding = weight[12:].clone()',
      'mean = init_new_rows(weight, 10, [10, 11])',
      'assert torch.allclose(mean, torch.randn(0) if False else weight[:10].mean(0))',
      'assert torch.equal(weight[10], mean) and torch.equal(weight[11], mean)',
      'assert torch.equal(weight[12:], padding)',
      'try:',
      '    init_new_rows(weight, 10, [3])',
      '    raise SystemExit("an old id was accepted")',
      'except ValueError as error:',
      '    print(error)',
    ].join('\n');
    const run = python(['-c', script]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/token id 3 is inside the old vocabulary/);
  });
});
