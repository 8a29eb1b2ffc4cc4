import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, sharedPath } from '../helpers/shared.js';

const folder = mkdtempSync(join(tmpdir(), 'mathcoder-train-cli-'));
const data = join(folder, 'prepared');

function mathcoder(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  // The built CLI, as a user runs it (`npm test` builds dist/ first); killed only if it hangs.
  const run = spawnSync(process.execPath, [join(REPO_ROOT, 'dist', 'cli', 'main.js'), ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 600_000,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: folder, HF_HOME: join(folder, 'hf'), ...env },
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('mathcoder train', () => {
  it('prepare: packs published trajectories and prints the statistics', () => {
    const input = join(folder, 'svamp.jsonl');
    writeFileSync(input, readFileSync(sharedPath('trajectories', 'mathcoder-cl-7b', 'svamp.correct.jsonl'), 'utf8').split('\n').slice(0, 40).join('\n') + '\n');
    const run = mathcoder(['train', 'prepare', input, '--tokenizer', 'llama2', '--out', data, '--context-length', '1024']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^rows 40: \d+ samples packed, \d+ dropped and 0 truncated for being longer than 1024 tokens/m);
    expect(run.stdout).toMatch(/packing efficiency \d+\.\d%/);
    expect(existsSync(join(data, 'train.jsonl')) && existsSync(join(data, 'train.parquet'))).toBe(true);
  });

  it('prepare: one line naming --tokenizer when it is not cached, and the row of a bad input', () => {
    const missing = mathcoder(['train', 'prepare', join(folder, 'svamp.jsonl'), '--tokenizer', 'meta-llama/Llama-2-7b-hf', '--out', join(folder, 'x')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^mathcoder: --tokenizer "meta-llama\/Llama-2-7b-hf" is not in the Hugging Face cache at .*hf\/hub/);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    const bad = join(folder, 'bad.jsonl');
    writeFileSync(bad, JSON.stringify({ messages: [{ role: 'user', content: [{ type: 'text', content: 'Q' }] }, { role: 'assistant', content: [{ type: 'execution', content: '1' }] }] }) + '\n');
    const badRun = mathcoder(['train', 'prepare', bad, '--tokenizer', 'llama2', '--out', join(folder, 'y')]);
    expect(badRun.stderr.trim()).toMatch(/^mathcoder: .*bad.jsonl:1: blocks out of order: assistant block 1 is an execution that follows nothing/);
  });

  it('launch --dry-run: resolves the paper plan for 2 nodes × 8 GPUs and names what the Python lacks', () => {
    const run = mathcoder(['train', 'launch', data, '--model', 'meta-llama/Llama-2-7b-hf', '--out', join(folder, 'run'), '--nodes', '2', '--main-process-ip', '10.0.0.1', '--python', '/usr/bin/python3', '--dry-run']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('model: meta-llama/Llama-2-7b-hf on 2 nodes × 8 GPUs, DeepSpeed ZeRO-3');
    expect(run.stdout).toContain('batch: global 128 = per-device 4 × gradient accumulation 2 × 16 GPUs');
    expect(run.stdout).toMatch(/schedule: lr 0.00002, cosine, 50 warm-up steps, 3 epochs/);
    expect(run.stdout).toContain('DeepSpeed ZeRO-3');
    expect(run.stdout).toContain('at ids 32000-32007, embedding rows set to the mean of the old rows by token id');
    expect(run.stdout).toMatch(/missing: .*transformers/);
    expect(run.stdout).toMatch(/command \(in .*\): \/usr\/bin\/python3 -m accelerate.commands.launch --config_file accelerate.yaml/);
    expect(existsSync(join(folder, 'run'))).toBe(false);
    const uneven = mathcoder(['train', 'launch', data, '--model', 'm', '--output-dir', join(folder, 'run'), '--gpus', '3', '--dry-run']);
    expect(uneven.stderr.trim()).toBe('mathcoder: --global-batch 128 is not a multiple of --per-device-batch 4 × 3 GPUs (12); change one of them');
  });

  it('launch --run: refuses a Python without transformers, and trains the tiny model on CPU end to end', () => {
    const refused = mathcoder(['train', 'launch', data, '--model', 'meta-llama/Llama-2-7b-hf', '--out', join(folder, 'run'), '--engine', 'fsdp', '--python', '/usr/bin/python3', '--run']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^mathcoder: cannot start training with \/usr\/bin\/python3: missing .*transformers.*accelerate/);
    const output = join(folder, 'tiny');
    // A python3 without torch first on PATH: training takes the interpreter the sandbox finds (/usr/bin/python3, which
    // the set-up gave torch), not the first python3 on PATH.
    const bin = join(folder, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'python3'), '#!/bin/sh\necho "not this python" >&2\nexit 3\n', { mode: 0o755 });
    const run = mathcoder(['train', 'launch', data, '--model', 'tiny-llama', '--out', output, '--per-device-batch', '2', '--global-batch', '2', '--learning-rate', '0.003', '--warmup-steps', '1', '--max-steps', '3', '--run'], {
      PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain("model: tiny-llama on this machine's CPU (one process, plain PyTorch)");
    expect(run.stdout).toContain('× gradient accumulation 1 × 1 process;');
    expect(run.stdout).toMatch(/^environment: \/usr\/bin\/python3 \(Python 3/m);
    // Progress while it trains: step, loss and tokens per second (one line per update off a terminal).
    expect(run.stderr).toMatch(/^train: 3\/3 steps loss \d+\.\d{4} tokens\/s \d+/m);
    const metrics = readFileSync(join(output, 'launch', 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { step: number; loss: number });
    expect(metrics.map((entry) => entry.step)).toEqual([1, 2, 3]);
    expect(readFileSync(join(output, 'launch', 'accelerate.yaml'), 'utf8')).toContain('distributed_type: "DEEPSPEED"');
  });
});
