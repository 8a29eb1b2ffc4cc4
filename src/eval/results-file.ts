import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { MathcoderError, errorMessage } from '../errors.js';

/**
 * An append-only JSON Lines file of results that survives being killed at any instant:
 * - each row is one `write` of one whole line to a file opened for appending, so rows never interleave;
 * - a line cut short by a crash (the last line without its newline) is detected when the file is opened
 *   again, reported, and cut off, so the file stays readable and the row is simply redone;
 * - rows are flushed to disk (fsync) every `syncEvery` rows and on close.
 * A line in the middle of the file that is not JSON (a hand edit gone wrong) is an error naming its line:
 * nothing is silently dropped.
 */

export interface OpenedResults<Row> {
  readonly rows: Row[];
  /** Bytes of a torn last line that were cut off (0 when the file ended cleanly). */
  readonly truncatedBytes: number;
}

export interface ResultsFileOptions<Row> {
  /** Validates one parsed line; throws (with the line's location) when the row is not a result row. */
  readonly parseRow: (value: unknown, where: string) => Row;
  readonly syncEvery?: number;
}

export class ResultsFile<Row> {
  private fd: number | null = null;
  private unsynced = 0;

  private constructor(
    readonly path: string,
    private readonly options: ResultsFileOptions<Row>,
  ) {}

  /** Opens (creating) the file, repairs a torn last line, and returns the rows already in it. */
  static open<Row>(path: string, options: ResultsFileOptions<Row>): { file: ResultsFile<Row> } & OpenedResults<Row> {
    const file = new ResultsFile(path, options);
    const opened = file.readAndRepair();
    try {
      file.fd = openSync(path, 'a');
    } catch (error) {
      throw new MathcoderError('output', `cannot write ${path}: ${errorMessage(error)}`);
    }
    return { file, ...opened };
  }

  /** Reads the rows of a results file without opening it for writing (a torn last line is left out and reported). */
  static read<Row>(path: string, parseRow: (value: unknown, where: string) => Row): OpenedResults<Row> {
    if (!existsSync(path)) throw new MathcoderError('input', `${path} does not exist`);
    return parseLines(readFileSync(path, 'utf8'), path, parseRow);
  }

  private readAndRepair(): OpenedResults<Row> {
    if (!existsSync(this.path)) return { rows: [], truncatedBytes: 0 };
    const text = readFileSync(this.path, 'utf8');
    const opened = parseLines(text, this.path, this.options.parseRow);
    if (opened.truncatedBytes > 0) {
      const fd = openSync(this.path, 'r+');
      try {
        ftruncateSync(fd, fstatSync(fd).size - opened.truncatedBytes);
      } finally {
        closeSync(fd);
      }
    }
    return opened;
  }

  /** Appends one row as one whole line. */
  append(row: Row): void {
    if (this.fd === null) throw new MathcoderError('internal', `${this.path} is closed`);
    const line = Buffer.from(JSON.stringify(row) + '\n', 'utf8');
    let written = 0;
    try {
      while (written < line.length) written += writeSync(this.fd, line, written, line.length - written);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'ENOSPC' ? 'the disk is full' : code === 'EDQUOT' ? 'the disk quota is used up' : errorMessage(error);
      if (written > 0) this.cutPartialLine(written);
      throw new MathcoderError('output', `cannot append to ${this.path}: ${why}; the rows written so far are kept, run again to resume`);
    }
    this.unsynced += 1;
    if (this.unsynced >= (this.options.syncEvery ?? 20)) this.sync();
  }

  private cutPartialLine(written: number): void {
    try {
      const size = fstatSync(this.fd!).size;
      ftruncateSync(this.fd!, size - written);
    } catch {
      // The next open finds and cuts the torn line.
    }
  }

  sync(): void {
    if (this.fd === null || this.unsynced === 0) return;
    fsyncSync(this.fd);
    this.unsynced = 0;
  }

  close(): void {
    if (this.fd === null) return;
    this.sync();
    closeSync(this.fd);
    this.fd = null;
  }
}

function parseLines<Row>(text: string, path: string, parseRow: (value: unknown, where: string) => Row): OpenedResults<Row> {
  const rows: Row[] = [];
  let truncatedBytes = 0;
  const lines = text.split('\n');
  const last = lines.length - 1;
  lines.forEach((line, index) => {
    if (index === last) {
      // Text after the last newline is a row cut short by a crash.
      if (line !== '') truncatedBytes = Buffer.byteLength(line, 'utf8');
      return;
    }
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new MathcoderError(
        'input',
        `${path}:${index + 1}: not valid JSON (${errorMessage(error)}); fix or delete that line (the run can redo it), nothing was changed`,
      );
    }
    rows.push(parseRow(value, `${path}:${index + 1}`));
  });
  return { rows, truncatedBytes };
}
