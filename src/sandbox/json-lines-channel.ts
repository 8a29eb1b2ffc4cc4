import { StringDecoder } from 'node:string_decoder';
import type { Duplex } from 'node:stream';

/** Newline-delimited JSON over a stream (the worker's control socket or a session's Unix socket). */
export class JsonLinesChannel {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private readonly listeners: Array<(message: Record<string, unknown>) => void> = [];
  private readonly closeListeners: Array<() => void> = [];
  private ended = false;

  constructor(readonly stream: Duplex) {
    stream.on('data', (chunk: Buffer) => this.receive(this.decoder.write(chunk)));
    const onEnd = () => {
      if (this.ended) return;
      this.ended = true;
      for (const listener of this.closeListeners) listener();
    };
    stream.on('end', onEnd);
    stream.on('close', onEnd);
    stream.on('error', onEnd);
  }

  get isClosed(): boolean {
    return this.ended;
  }

  onMessage(listener: (message: Record<string, unknown>) => void): void {
    this.listeners.push(listener);
  }

  onClose(listener: () => void): void {
    if (this.ended) listener();
    else this.closeListeners.push(listener);
  }

  send(message: Record<string, unknown>): boolean {
    if (this.ended || this.stream.destroyed) return false;
    this.stream.write(JSON.stringify(message) + '\n');
    return true;
  }

  close(): void {
    this.stream.end();
  }

  private receive(text: string): void {
    // Only the new text can hold a newline: a long message arriving in many chunks is scanned once.
    let newline = text.indexOf('\n');
    if (newline < 0) {
      this.pending += text;
      return;
    }
    let line = this.pending + text.slice(0, newline);
    let rest = text.slice(newline + 1);
    for (;;) {
      if (line.trim() !== '') {
        const message = JSON.parse(line) as Record<string, unknown>;
        for (const listener of this.listeners) listener(message);
      }
      newline = rest.indexOf('\n');
      if (newline < 0) break;
      line = rest.slice(0, newline);
      rest = rest.slice(newline + 1);
    }
    this.pending = rest;
  }
}
