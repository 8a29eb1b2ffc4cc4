import cliProgress from 'cli-progress';

/**
 * Progress of long work on a terminal: a bar with counts, rate and ETA on a TTY; one plain line per update
 * (at most one every `intervalMs`) when output is a file or a pipe, so logs stay readable.
 */
export interface ProgressReporter {
  update(done: number, fields?: Record<string, string>): void;
  stop(): void;
}

export interface ProgressOptions {
  readonly label: string;
  readonly total: number;
  readonly unit: string;
  readonly stream?: NodeJS.WriteStream;
  readonly intervalMs?: number;
  /** Extra fields shown after the counts, e.g. `matched`. */
  readonly fieldNames?: readonly string[];
  /** Writes a count (e.g. bytes as MB); plain numbers by default. */
  readonly formatValue?: (value: number) => string;
}

/** Byte counts as MB with one decimal, for downloads. */
export function formatMegabytes(bytes: number): string {
  return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}

function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

class LineProgress implements ProgressReporter {
  private readonly started = Date.now();
  private lastPrinted = 0;
  private last = 0;
  private lastFields: Record<string, string> = {};

  constructor(private readonly options: ProgressOptions) {}

  update(done: number, fields: Record<string, string> = {}): void {
    this.last = done;
    this.lastFields = fields;
    const now = Date.now();
    if (done < this.options.total && now - this.lastPrinted < (this.options.intervalMs ?? 5_000)) return;
    this.lastPrinted = now;
    this.print();
  }

  private print(): void {
    const elapsed = (Date.now() - this.started) / 1000;
    const rate = this.last / Math.max(elapsed, 1e-9);
    const eta = rate > 0 ? (this.options.total - this.last) / rate : Infinity;
    const extra = Object.entries(this.lastFields).map(([key, value]) => ` ${key} ${value}`).join('');
    const format = this.options.formatValue ?? String;
    const rateText = this.options.formatValue ? this.options.formatValue(rate) : rate.toFixed(1);
    (this.options.stream ?? process.stderr).write(
      `${this.options.label}: ${format(this.last)}/${format(this.options.total)} ${this.options.unit}${extra}, ${rateText}/s, elapsed ${formatSeconds(elapsed)}, eta ${formatSeconds(eta)}\n`,
    );
  }

  stop(): void {
    if (this.lastPrinted === 0 || this.last === this.options.total) return;
    this.print();
  }
}

class BarProgress implements ProgressReporter {
  private readonly bar: cliProgress.SingleBar;

  constructor(options: ProgressOptions) {
    const fields = (options.fieldNames ?? []).map((name) => ` ${name} {${name}}`).join('');
    this.bar = new cliProgress.SingleBar(
      {
        format: `${options.label} [{bar}] {value}/{total} ${options.unit}${fields} | {speed}/s | eta {eta_formatted}`,
        stream: options.stream ?? process.stderr,
        hideCursor: true,
        etaBuffer: 50,
        ...(options.formatValue ? { formatValue: (value: number, _options: unknown, type: string) => (type === 'value' || type === 'total' ? options.formatValue!(value) : String(value)) } : {}),
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(options.total, 0, { speed: '0.0', ...Object.fromEntries((options.fieldNames ?? []).map((name) => [name, '-'])) });
  }

  private readonly started = Date.now();

  update(done: number, fields: Record<string, string> = {}): void {
    const speed = (done / Math.max((Date.now() - this.started) / 1000, 1e-9)).toFixed(1);
    this.bar.update(done, { ...fields, speed });
  }

  stop(): void {
    this.bar.stop();
  }
}

export function createProgress(options: ProgressOptions): ProgressReporter {
  const stream = options.stream ?? process.stderr;
  return stream.isTTY ? new BarProgress({ ...options, stream }) : new LineProgress({ ...options, stream });
}
