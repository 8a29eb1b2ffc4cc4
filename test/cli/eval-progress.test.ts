import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { EvalProgressDisplay, RunRate, formatEta } from '../../src/cli/eval-progress.js';

/** The evaluation's progress: one ETA for the whole run, from its recent rate, once the pipelines are full. */
describe('the run ETA', () => {
  it('waits for the pipelines to fill, then follows the recent rate', () => {
    // 4 problems at a time, each taking 10 s: the first answers come after 10 s, then 4 every 10 s (0.4/s).
    const rate = new RunRate(0, 4, 60_000);
    for (const at of [10_000, 10_500, 11_000]) rate.record(at);
    expect(rate.eta(100, 11_000)).toBe(Infinity);
    rate.record(11_500);
    for (let at = 20_000; at <= 200_000; at += 2_500) rate.record(at);
    // Measured over the last minute: 0.4 problems/s, whatever the slow start was.
    expect(rate.rate(200_000)).toBeCloseTo(0.4, 1);
    expect(rate.eta(40, 200_000)).toBeGreaterThan(90);
    expect(rate.eta(40, 200_000)).toBeLessThan(110);
    expect(rate.eta(0, 200_000)).toBe(0);
  });

  it('writes seconds, minutes and hours', () => {
    expect([formatEta(42), formatEta(125), formatEta(7_260), formatEta(Infinity)]).toEqual(['42s', '2m05s', '2h01m', '?']);
  });

  it('prints one ETA for the whole run on each line, not one per interleaved dataset', () => {
    const stream = new PassThrough();
    let output = '';
    stream.on('data', (chunk: Buffer) => (output += chunk.toString()));
    let now = 0;
    const display = new EvalProgressDisplay({ concurrency: 2, stream: stream as unknown as NodeJS.WriteStream, intervalMs: 0, now: () => now });
    display.start([
      { dataset: 'svamp', total: 10, alreadyDone: 0, alreadyCorrect: 0 },
      { dataset: 'math', total: 10, alreadyDone: 0, alreadyCorrect: 0 },
    ]);
    now = 1_000;
    display.update({ dataset: 'svamp', done: 1, total: 10, correct: 1, failed: 0 });
    now = 2_000;
    display.update({ dataset: 'math', done: 1, total: 10, correct: 0, failed: 0 });
    const lines = output.trim().split('\n');
    expect(lines.slice(0, 2)).toEqual(['eval svamp: 10 rows to do', 'eval math: 10 rows to do']);
    expect(lines[2]).toBe('eval svamp: 1/10 done, strict 100.0%; all: 1/20, 1.00 problems/s | eta ?');
    expect(lines[3]).toBe('eval math: 1/10 done, strict 0.0%; all: 2/20, 1.00 problems/s | eta 18s');
  });
});
