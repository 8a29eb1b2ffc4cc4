import cliProgress from 'cli-progress';
import type { DatasetPlan, EvalProgress } from '../eval/run-eval.js';

/**
 * Progress of an evaluation: one line per dataset (done/total, strict accuracy so far) and one for the whole run
 * (done/total, problems/s, ETA). The datasets are interleaved, so a per-dataset ETA would say little; the run's
 * ETA comes from its recent rate, and is shown once the pipelines are full (K rows finished) so that the slow
 * first answers do not make it read ten times too long.
 * On a terminal the lines are live bars; otherwise one plain line is printed per update (at most one every few
 * seconds, and always the last of each dataset), so log files stay readable.
 */
export interface EvalProgressOptions {
  /** Problems in flight at once: the ETA waits for that many rows to finish. */
  readonly concurrency?: number;
  readonly stream?: NodeJS.WriteStream;
  readonly intervalMs?: number;
  /** The rate is measured over this much recent time. */
  readonly windowMs?: number;
  /** The clock (tests). */
  readonly now?: () => number;
}

const ALL = 'all';

export function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** The run's rate over a recent window of finished rows, and its ETA. */
export class RunRate {
  private readonly finishes: number[] = [];
  private finishedNow = 0;

  constructor(
    private readonly started: number,
    private readonly warmUpRows: number,
    private readonly windowMs: number,
  ) {}

  record(at: number): void {
    this.finishedNow += 1;
    this.finishes.push(at);
  }

  /** Rows per second over the window (or since the start, when the window holds less); 0 before any row. */
  rate(now: number): number {
    while (this.finishes.length > 1 && now - this.finishes[0]! > this.windowMs) this.finishes.shift();
    if (this.finishedNow === 0) return 0;
    const since = this.finishes.length === this.finishedNow ? this.started : this.finishes[0]!;
    const rows = this.finishes.length === this.finishedNow ? this.finishedNow : this.finishes.length - 1;
    return rows / Math.max((now - since) / 1000, 1e-9);
  }

  /** Seconds left for `remaining` rows, or Infinity until `warmUpRows` rows have finished. */
  eta(remaining: number, now: number): number {
    if (remaining <= 0) return 0;
    if (this.finishedNow < this.warmUpRows) return Infinity;
    const rate = this.rate(now);
    return rate > 0 ? remaining / rate : Infinity;
  }
}

export class EvalProgressDisplay {
  private readonly now: () => number;
  private readonly stream: NodeJS.WriteStream;
  private readonly intervalMs: number;
  private readonly bars = new Map<string, cliProgress.SingleBar>();
  private multibar: cliProgress.MultiBar | null = null;
  private lastPrinted = 0;
  private rate: RunRate;
  private readonly tallies = new Map<string, { done: number; total: number; correct: number; failed: number }>();

  constructor(private readonly options: EvalProgressOptions = {}) {
    this.now = options.now ?? Date.now;
    this.stream = options.stream ?? process.stderr;
    this.intervalMs = options.intervalMs ?? 5_000;
    this.rate = new RunRate(this.now(), options.concurrency ?? 1, options.windowMs ?? 60_000);
  }

  private totals(): { done: number; total: number; failed: number } {
    let done = 0;
    let total = 0;
    let failed = 0;
    for (const tally of this.tallies.values()) {
      done += tally.done;
      total += tally.total;
      failed += tally.failed;
    }
    return { done, total, failed };
  }

  private runFields(): { rate: string; eta: string } {
    const now = this.now();
    const { done, total, failed } = this.totals();
    return { rate: this.rate.rate(now).toFixed(2), eta: formatEta(this.rate.eta(total - done - failed, now)) };
  }

  start(plan: readonly DatasetPlan[]): void {
    this.rate = new RunRate(this.now(), this.options.concurrency ?? 1, this.options.windowMs ?? 60_000);
    for (const entry of plan) this.tallies.set(entry.dataset, { done: entry.alreadyDone, total: entry.total, correct: entry.alreadyCorrect, failed: 0 });
    const { done, total } = this.totals();
    if (this.stream.isTTY) {
      this.multibar = new cliProgress.MultiBar(
        {
          format: '{dataset} [{bar}] {value}/{total} | {detail}',
          stream: this.stream,
          hideCursor: true,
          clearOnComplete: false,
        },
        cliProgress.Presets.shades_classic,
      );
      const width = Math.max(ALL.length, ...plan.map((entry) => entry.dataset.length));
      for (const entry of plan) {
        this.bars.set(entry.dataset, this.multibar.create(entry.total, entry.alreadyDone, { dataset: entry.dataset.padEnd(width), detail: this.datasetDetail(entry.dataset) }));
      }
      if (plan.length > 1) this.bars.set(ALL, this.multibar.create(total, done, { dataset: ALL.padEnd(width), detail: this.runDetail() }));
    } else {
      for (const entry of plan) {
        this.stream.write(`eval ${entry.dataset}: ${entry.total} rows to do${entry.alreadyDone ? `, ${entry.alreadyDone} already done (resumed)` : ''}\n`);
      }
    }
  }

  private datasetDetail(dataset: string): string {
    const tally = this.tallies.get(dataset)!;
    const accuracy = tally.done === 0 ? '-' : `${((100 * tally.correct) / tally.done).toFixed(1)}%`;
    return `strict ${accuracy}${tally.failed ? ` | ${tally.failed} failed` : ''}`;
  }

  private runDetail(): string {
    const fields = this.runFields();
    return `${fields.rate} problems/s | eta ${fields.eta}`;
  }

  update(progress: EvalProgress): void {
    const tally = this.tallies.get(progress.dataset);
    if (!tally) return;
    this.rate.record(this.now());
    tally.done = progress.done;
    tally.correct = progress.correct;
    tally.failed = progress.failed;
    if (this.multibar) {
      this.bars.get(progress.dataset)?.update(progress.done, { detail: this.datasetDetail(progress.dataset) });
      const { done } = this.totals();
      if (this.bars.has(ALL)) this.bars.get(ALL)!.update(done, { detail: this.runDetail() });
      else this.bars.get(progress.dataset)?.update(progress.done, { detail: `${this.datasetDetail(progress.dataset)} | ${this.runDetail()}` });
      return;
    }
    const now = this.now();
    const finished = progress.done + progress.failed >= progress.total;
    if (!finished && now - this.lastPrinted < this.intervalMs) return;
    this.lastPrinted = now;
    const { done, total } = this.totals();
    this.stream.write(`eval ${progress.dataset}: ${progress.done}/${progress.total} done, ${this.datasetDetail(progress.dataset)}; all: ${done}/${total}, ${this.runDetail()}\n`);
  }

  stop(): void {
    this.multibar?.stop();
  }
}
