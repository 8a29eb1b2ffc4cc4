/**
 * Notices a model that writes the same code block again and again (the released outputs have such runaway
 * loops in 7-23 of every 1,000 trajectories). Code is compared with surrounding whitespace removed.
 */
export class LoopDetector {
  private readonly counts = new Map<string, number>();

  /** @param repeats the number of identical code blocks that counts as a loop; null never does. */
  constructor(private readonly repeats: number | null) {}

  /** Records a code block; true when it makes a loop (it should then not run). */
  isLoop(code: string): boolean {
    const key = code.trim();
    const count = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, count);
    return this.repeats !== null && count >= this.repeats;
  }
}
