import type { JsonLinesChannel } from './json-lines-channel.js';

/**
 * One forked Python process serving one session, and its channel. A session keeps one of these until a cell
 * has to be killed, then continues on a fresh one.
 */
export class SessionProcess {
  private exitCode: number | null | undefined = undefined;
  private readonly exitListeners: Array<(code: number | null) => void> = [];
  private readonly replyListeners = new Map<number, (reply: Record<string, unknown>) => void>();

  constructor(
    readonly sid: string,
    readonly pid: number,
    readonly channel: JsonLinesChannel,
  ) {
    channel.onMessage((message) => {
      if (message.op !== 'result') return;
      const listener = this.replyListeners.get(Number(message.id));
      if (listener) {
        this.replyListeners.delete(Number(message.id));
        listener(message);
      }
      // A reply nobody waits for belongs to a cell that was given up on: it is dropped, never shown later.
    });
    channel.onClose(() => this.markExited(null));
  }

  get exited(): boolean {
    return this.exitCode !== undefined;
  }

  /** Sends a cell; `onReply` is called with the worker's result message. */
  send(id: number, code: string, timeoutSeconds: number, onReply: (reply: Record<string, unknown>) => void): boolean {
    this.replyListeners.set(id, onReply);
    return this.channel.send({ op: 'run', id, code, timeout: timeoutSeconds });
  }

  forget(id: number): void {
    this.replyListeners.delete(id);
  }

  /** Resolves when the process has ended (its channel closed or the zygote reported its exit). */
  whenExited(): Promise<number | null> {
    if (this.exitCode !== undefined) return Promise.resolve(this.exitCode);
    return new Promise((resolve) => this.exitListeners.push(resolve));
  }

  /** Calls `listener` when the process ends; returns a function that removes it. */
  onExit(listener: (code: number | null) => void): () => void {
    if (this.exitCode !== undefined) {
      listener(this.exitCode);
      return () => undefined;
    }
    this.exitListeners.push(listener);
    return () => {
      const index = this.exitListeners.indexOf(listener);
      if (index >= 0) this.exitListeners.splice(index, 1);
    };
  }

  markExited(code: number | null): void {
    if (this.exitCode !== undefined) {
      if (code !== null && this.exitCode === null) this.exitCode = code;
      return;
    }
    this.exitCode = code;
    for (const listener of this.exitListeners.splice(0)) listener(code);
  }
}
