import { MalformedReply, parseCellReply } from './cell-reply.js';
import type { JsonLinesChannel } from './json-lines-channel.js';
import type { CellResult } from './types.js';

/** How long an ended session's channel waits for the zygote's report of the exit (and its reason). */
const EXIT_REPORT_GRACE_MS = 1_000;

/** Why a session process ended, when it was not simply closed. */
export type ExitListener = (code: number | null, reason: string | null) => void;

/**
 * One forked Python process serving one session, and its channel. A session keeps one of these until a cell
 * has to be killed, then continues on a fresh one.
 *
 * Everything the process sends is checked: a message that is not a well-formed reply to a cell ends the
 * process (its channel is closed and `onBroken` asks the sandbox to kill it), with the reason kept for the
 * cell that was running. Nothing a session sends can throw in this process.
 */
export class SessionProcess {
  private exitCode: number | null | undefined = undefined;
  private exitReason: string | null = null;
  private readonly exitListeners: ExitListener[] = [];
  private readonly replyListeners = new Map<number, (reply: CellResult) => void>();

  constructor(
    readonly sid: string,
    readonly channel: JsonLinesChannel,
    onBroken: (process: SessionProcess) => void,
  ) {
    channel.onMessage((message) => {
      if (message.op !== 'result' || typeof message.id !== 'number') {
        channel.fail('sent a message that is not a cell result');
        return;
      }
      const listener = this.replyListeners.get(message.id);
      // A reply nobody waits for belongs to a cell that was given up on: it is dropped, never shown later.
      if (!listener) return;
      let result: CellResult;
      try {
        result = parseCellReply(message);
      } catch (error) {
        if (!(error instanceof MalformedReply)) throw error;
        channel.fail(`sent a malformed cell result (${error.message})`);
        return;
      }
      this.replyListeners.delete(message.id);
      listener(result);
    });
    channel.onProtocolError((reason) => {
      this.exitReason ??= `the Python session ${reason}, and was killed`;
      onBroken(this);
    });
    // The zygote reports every exit, with its reason (a limit the session went over): once the channel closes,
    // that report is waited for a moment before the process counts as ended for no known reason.
    channel.onClose(() => {
      if (this.exitCode === undefined) setTimeout(() => this.markExited(null), EXIT_REPORT_GRACE_MS).unref();
    });
  }

  get exited(): boolean {
    return this.exitCode !== undefined;
  }

  /** Sends a cell; `onReply` is called with its result. */
  send(id: number, code: string, timeoutSeconds: number, onReply: (reply: CellResult) => void): boolean {
    this.replyListeners.set(id, onReply);
    return this.channel.send({ op: 'run', id, code, timeout: timeoutSeconds });
  }

  forget(id: number): void {
    this.replyListeners.delete(id);
  }

  /** Resolves when the process has ended (its channel closed or the zygote reported its exit). */
  whenExited(): Promise<number | null> {
    if (this.exitCode !== undefined) return Promise.resolve(this.exitCode);
    return new Promise((resolve) => this.exitListeners.push((code) => resolve(code)));
  }

  /** Calls `listener` when the process ends; returns a function that removes it. */
  onExit(listener: ExitListener): () => void {
    if (this.exitCode !== undefined) {
      listener(this.exitCode, this.exitReason);
      return () => undefined;
    }
    this.exitListeners.push(listener);
    return () => {
      const index = this.exitListeners.indexOf(listener);
      if (index >= 0) this.exitListeners.splice(index, 1);
    };
  }

  /** Records why the process is about to end (a limit it went over), for the cell that is running. */
  setExitReason(reason: string): void {
    this.exitReason ??= reason;
  }

  markExited(code: number | null): void {
    if (this.exitCode !== undefined) {
      if (code !== null && this.exitCode === null) this.exitCode = code;
      return;
    }
    this.exitCode = code;
    for (const listener of this.exitListeners.splice(0)) listener(code, this.exitReason);
  }
}
