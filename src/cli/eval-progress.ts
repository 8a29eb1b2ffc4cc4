import cliProgress from 'cli-progress';
import type { DatasetPlan, EvalProgress } from '../eval/run-eval.js';

/**
 * Progress of an evaluation, one line per dataset: done/total, strict accuracy so far, problems/s and ETA. On a
 * terminal the lines are live bars; otherwise one plain line is printed per dataset update (at most one every
 * few seconds per dataset, and always the last), so log files stay readable.
 */
export class EvalProgressDisplay {
  private readonly started = Date.now();
  private readonly bars = new Map<string, cliProgress.SingleBar>();
  private multibar: cliProgress.MultiBar | null = null;
  private readonly lastPrinted = new Map<string, number>();
  private readonly baseline = new Map<string, number>();

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly intervalMs = 5_000,
  ) {}

  start(plan: readonly DatasetPlan[]): void {
    for (const entry of plan) this.baseline.set(entry.dataset, entry.alreadyDone);
    if (this.stream.isTTY) {
      this.multibar = new cliProgress.MultiBar(
        {
          format: '{dataset} [{bar}] {value}/{total} | strict {accuracy} | {rate}/s | eta {eta}',
          stream: this.stream,
          hideCursor: true,
          clearOnComplete: false,
        },
        cliProgress.Presets.shades_classic,
      );
      const width = Math.max(...plan.map((entry) => entry.dataset.length));
      for (const entry of plan) {
        this.bars.set(
          entry.dataset,
          this.multibar.create(entry.total, entry.alreadyDone, { dataset: entry.dataset.padEnd(width), ...this.fields(entry.dataset, entry.alreadyDone, entry.total, entry.alreadyCorrect) }),
        );
      }
    } else {
      for (const entry of plan) {
        this.stream.write(`eval ${entry.dataset}: ${entry.total} rows to do${entry.alreadyDone ? `, ${entry.alreadyDone} already done (resumed)` : ''}\n`);
      }
    }
  }

  private fields(dataset: string, done: number, total: number, correct: number): { accuracy: string; rate: string; eta: string } {
    const elapsed = (Date.now() - this.started) / 1000;
    const doneNow = done - (this.baseline.get(dataset) ?? 0);
    const rate = doneNow / Math.max(elapsed, 1e-9);
    const eta = rate > 0 ? (total - done) / rate : Infinity;
    return {
      accuracy: done === 0 ? '-' : `${((100 * correct) / done).toFixed(1)}%`,
      rate: rate.toFixed(2),
      eta: Number.isFinite(eta) ? `${Math.round(eta)}s` : '?',
    };
  }

  update(progress: EvalProgress): void {
    const fields = this.fields(progress.dataset, progress.done, progress.total, progress.correct);
    const bar = this.bars.get(progress.dataset);
    if (bar) {
      bar.update(progress.done, fields);
      return;
    }
    const now = Date.now();
    const finished = progress.done + progress.failed >= progress.total;
    if (!finished && now - (this.lastPrinted.get(progress.dataset) ?? 0) < this.intervalMs) return;
    this.lastPrinted.set(progress.dataset, now);
    this.stream.write(
      `eval ${progress.dataset}: ${progress.done}/${progress.total} done${progress.failed ? `, ${progress.failed} failed` : ''}, strict ${fields.accuracy}, ${fields.rate} problems/s, eta ${fields.eta}\n`,
    );
  }

  stop(): void {
    this.multibar?.stop();
  }
}
