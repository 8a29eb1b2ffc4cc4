/** Where the first stop string occurs in generated text, and how much of the text is safe to show meanwhile. */

export interface StopMatch {
  readonly index: number;
  readonly stop: string;
}

/** The earliest stop string in `text` (the longest one when two start at the same place). */
export function findStop(text: string, stops: readonly string[], from = 0): StopMatch | null {
  let best: StopMatch | null = null;
  for (const stop of stops) {
    if (stop === '') continue;
    const index = text.indexOf(stop, Math.max(0, from));
    if (index < 0) continue;
    if (best === null || index < best.index || (index === best.index && stop.length > best.stop.length)) best = { index, stop };
  }
  return best;
}

/**
 * The length of the prefix of `text` that cannot turn into a stop string however the text continues: text
 * ending in the start of a stop string (`<|endof`) is held back until the next token decides it.
 */
export function settledLength(text: string, stops: readonly string[]): number {
  let settled = text.length;
  for (const stop of stops) {
    for (let length = Math.min(stop.length - 1, text.length); length > 0; length -= 1) {
      if (text.endsWith(stop.slice(0, length))) {
        settled = Math.min(settled, text.length - length);
        break;
      }
    }
  }
  // A trailing replacement character is a multi-byte character still being decoded.
  while (settled > 0 && text[settled - 1] === '\uFFFD') settled -= 1;
  return settled;
}

/** Feeds text deltas as a stream grows, never showing text that a stop string will remove. */
export class StopStream {
  private text = '';
  private shown = 0;
  private matched: StopMatch | null = null;

  constructor(
    private readonly stops: readonly string[],
    private readonly onText?: (delta: string) => void,
  ) {}

  /** Replaces the whole text written so far; returns the stop when one has appeared. */
  update(text: string): StopMatch | null {
    if (this.matched) return this.matched;
    const searchFrom = Math.max(0, this.text.length - Math.max(0, ...this.stops.map((stop) => stop.length)));
    this.text = text;
    this.matched = findStop(text, this.stops, searchFrom);
    const visible = this.matched ? this.matched.index : settledLength(text, this.stops);
    if (visible > this.shown) {
      this.onText?.(text.slice(this.shown, visible));
      this.shown = visible;
    }
    return this.matched;
  }

  append(delta: string): StopMatch | null {
    return this.update(this.text + delta);
  }

  /** The text before the stop (or all of it), flushing what was held back. */
  finish(): string {
    const end = this.matched ? this.matched.index : this.text.length;
    if (end > this.shown) this.onText?.(this.text.slice(this.shown, end));
    this.shown = end;
    return this.text.slice(0, end);
  }

  get stop(): StopMatch | null {
    return this.matched;
  }
}
