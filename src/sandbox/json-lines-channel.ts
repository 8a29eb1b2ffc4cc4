import type { Duplex } from 'node:stream';

/** The longest line a channel accepts before it treats the peer as broken (a session's replies are cut far below). */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

export interface JsonLinesChannelOptions {
  readonly maxLineBytes?: number;
}

/**
 * Newline-delimited JSON over a stream (the worker's control socket or a session's Unix socket).
 *
 * The peer may be hostile (a session runs model-written code that can write anything on its socket), so nothing
 * it sends can throw in this process: a line that is not a JSON object, or one longer than `maxLineBytes`, ends
 * the channel with a protocol error (the listeners of `onProtocolError` learn why, then those of `onClose`).
 * Bytes are gathered as buffers and decoded once per line, so a flood without a newline costs memory up to the
 * limit and never builds a string past V8's maximum length.
 */
export class JsonLinesChannel {
  private readonly maxLineBytes: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private readonly listeners: Array<(message: Record<string, unknown>) => void> = [];
  private readonly closeListeners: Array<() => void> = [];
  private readonly errorListeners: Array<(reason: string) => void> = [];
  private ended = false;
  private failure: string | null = null;

  constructor(
    readonly stream: Duplex,
    options: JsonLinesChannelOptions = {},
  ) {
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    stream.on('data', (chunk: Buffer) => this.receive(chunk));
    const onEnd = () => this.end();
    stream.on('end', onEnd);
    stream.on('close', onEnd);
    stream.on('error', onEnd);
  }

  get isClosed(): boolean {
    return this.ended;
  }

  /** Why the channel was ended for a bad message, or null. */
  get protocolError(): string | null {
    return this.failure;
  }

  onMessage(listener: (message: Record<string, unknown>) => void): void {
    this.listeners.push(listener);
  }

  onClose(listener: () => void): void {
    if (this.ended) listener();
    else this.closeListeners.push(listener);
  }

  onProtocolError(listener: (reason: string) => void): void {
    if (this.failure !== null) listener(this.failure);
    else this.errorListeners.push(listener);
  }

  send(message: Record<string, unknown>): boolean {
    if (this.ended || this.stream.destroyed) return false;
    this.stream.write(JSON.stringify(message) + '\n');
    return true;
  }

  close(): void {
    this.stream.end();
  }

  /** Ends the channel because the peer broke the protocol; the stream is destroyed. */
  fail(reason: string): void {
    if (this.ended) return;
    this.failure = reason;
    this.pending = [];
    this.pendingBytes = 0;
    for (const listener of this.errorListeners.splice(0)) listener(reason);
    this.stream.destroy();
    this.end();
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    for (const listener of this.closeListeners.splice(0)) listener();
  }

  private receive(chunk: Buffer): void {
    let start = 0;
    while (!this.ended) {
      const newline = chunk.indexOf(10, start);
      const end = newline < 0 ? chunk.length : newline;
      if (this.pendingBytes + (end - start) > this.maxLineBytes) {
        this.fail(`sent a message longer than ${this.maxLineBytes} bytes`);
        return;
      }
      if (newline < 0) {
        if (start < chunk.length) {
          this.pending.push(chunk.subarray(start));
          this.pendingBytes += chunk.length - start;
        }
        return;
      }
      const piece = chunk.subarray(start, newline);
      const line = this.pending.length === 0 ? piece : Buffer.concat([...this.pending, piece]);
      this.pending = [];
      this.pendingBytes = 0;
      start = newline + 1;
      this.deliver(line);
    }
  }

  private deliver(line: Buffer): void {
    const text = line.toString('utf8');
    if (text.trim() === '') return;
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      this.fail(`sent a line that is not JSON (${JSON.stringify(text.slice(0, 60))}${text.length > 60 ? '…' : ''})`);
      return;
    }
    if (message === null || typeof message !== 'object' || Array.isArray(message)) {
      this.fail('sent a JSON line that is not an object');
      return;
    }
    // A snapshot: a listener added while this message is delivered (a session made from its hello) gets only
    // the messages after it.
    for (const listener of [...this.listeners]) {
      if (this.ended) return;
      listener(message as Record<string, unknown>);
    }
  }
}
