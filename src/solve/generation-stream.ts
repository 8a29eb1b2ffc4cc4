import type { BlockType, TrajectorySyntax } from '../format/index.js';
import type { SolveEvent } from './types.js';

/** Trailing text that may still become a block marker (`<|co…`, `<tool_ca…`, `</co…`, a fence being written), held back from display. */
const PARTIAL_MARKER = /(?:<[|/]?[a-z_]*\|?|`{1,3}[a-z]*|\n`{0,3}[a-z]*)$/;

/**
 * Turns the text a generation call writes, as it arrives, into block-start and block-text events: the text is
 * parsed with the syntax so the terminal can show reasoning, code and output differently while they are written.
 */
export class GenerationStream {
  private raw = '';
  private shownBlocks = 0;
  private shownLength = 0;
  private currentType: BlockType | null;

  /**
   * @param continuing the block the previous call left open (cut by its token limit): text without a type
   *   marker at the start of this call continues it.
   */
  constructor(
    private readonly syntax: TrajectorySyntax,
    private readonly round: number,
    continuing: BlockType | null,
    private readonly emit: (event: SolveEvent) => void,
  ) {
    this.currentType = continuing;
  }

  push(delta: string): void {
    this.raw += delta;
    const partial = PARTIAL_MARKER.exec(this.raw);
    this.show(partial ? this.raw.slice(0, partial.index) : this.raw);
  }

  /** Shows what was held back once the call has ended. */
  finish(text: string): void {
    this.show(text);
  }

  private show(text: string): void {
    const blocks = this.syntax.parseGeneration(text).blocks;
    blocks.forEach((block, index) => {
      if (index < this.shownBlocks - 1) return;
      if (index >= this.shownBlocks) {
        const continues = index === 0 && block.typeImplied && this.currentType !== null;
        if (!continues) this.emit({ type: 'block-start', blockType: block.type, round: this.round });
        if (!continues) this.currentType = block.type;
        this.shownBlocks = index + 1;
        this.shownLength = 0;
      }
      const type = this.currentType ?? block.type;
      if (block.content.length > this.shownLength) {
        this.emit({ type: 'block-text', blockType: type, delta: block.content.slice(this.shownLength) });
        this.shownLength = block.content.length;
      }
    });
  }
}
