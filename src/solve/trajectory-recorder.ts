import type { Block } from '../format/index.js';
import type { ExecutionRecord, SolveEvent, TrajectoryBlock } from './types.js';

interface BlockMeta {
  round: number;
  startMs: number;
  durationMs: number;
  execution?: ExecutionRecord;
  ended: boolean;
}

/**
 * Keeps a problem's blocks with their timings as the loop re-reads the trajectory after each call, and reports
 * block-end events. Blocks are matched by position: a block cut by a token limit and continued by the next call
 * keeps its first round and adds the second call's time.
 */
export class TrajectoryRecorder {
  private blocks: Array<Block & { closed: boolean }> = [];
  private readonly meta: BlockMeta[] = [];
  readonly startedAt = performance.now();
  generationMs = 0;
  executionMs = 0;

  constructor(private readonly emit: (event: SolveEvent) => void) {}

  elapsedMs(): number {
    return performance.now() - this.startedAt;
  }

  /** Takes the blocks as they now read; new ones belong to `round`, which started at `startMs` and took `durationMs`. */
  update(blocks: ReadonlyArray<Block & { closed: boolean }>, round: number, startMs: number, durationMs: number, execution?: ExecutionRecord): void {
    const continued = this.blocks.length > 0 && !this.blocks[this.blocks.length - 1]!.closed ? this.blocks.length - 1 : -1;
    this.blocks = [...blocks];
    this.blocks.forEach((block, index) => {
      if (this.meta[index] === undefined) {
        this.meta[index] = { round, startMs, durationMs, ended: false, ...(execution && block.type === 'execution' ? { execution } : {}) };
      } else if (index === continued && round > this.meta[index]!.round) {
        this.meta[index]!.durationMs += durationMs;
      }
      if (block.closed) this.end(index);
    });
  }

  private end(index: number): void {
    const meta = this.meta[index]!;
    if (meta.ended) return;
    meta.ended = true;
    this.emit({ type: 'block-end', block: this.block(index) });
  }

  private block(index: number): TrajectoryBlock {
    const block = this.blocks[index]!;
    const meta = this.meta[index]!;
    return {
      type: block.type,
      content: block.content,
      round: meta.round,
      startMs: Math.round(meta.startMs),
      durationMs: Math.round(meta.durationMs),
      closed: block.closed,
      ...(meta.execution ? { execution: meta.execution } : {}),
    };
  }

  /** The type of the last block when a token limit left it open. */
  get openBlockType(): Block['type'] | null {
    const last = this.blocks[this.blocks.length - 1];
    return last && !last.closed ? last.type : null;
  }

  /** Ends every block and returns the trajectory. */
  finish(): TrajectoryBlock[] {
    this.blocks.forEach((_, index) => this.end(index));
    return this.blocks.map((_, index) => this.block(index));
  }
}
