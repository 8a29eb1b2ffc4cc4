import type { BlockType } from '../../format/index.js';
import type { SolveEvent, SolveResult } from '../../solve/index.js';

/**
 * Shows a solution as it is written: reasoning as plain text, code under a "python" rule, execution output
 * under an "output" rule (coloured on a terminal), then the boxed answer.
 */
const STYLE = {
  code: { label: 'python', color: '\u001b[36m' },
  execution: { label: 'output', color: '\u001b[33m' },
} as const;
const RESET = '\u001b[0m';
const DIM = '\u001b[2m';

export class SolveDisplay {
  private atLineStart = true;
  private current: BlockType | null = null;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly colors = Boolean(out.isTTY),
  ) {}

  private write(text: string): void {
    if (text === '') return;
    this.out.write(text);
    this.atLineStart = text.endsWith('\n');
  }

  private paint(text: string, color: string): string {
    return this.colors ? color + text + RESET : text;
  }

  handle(event: SolveEvent): void {
    if (event.type === 'block-start') {
      if (!this.atLineStart) this.write('\n');
      if (this.current !== null) this.write('\n');
      this.current = event.blockType;
      if (event.blockType !== 'text') this.write(this.paint(`── ${STYLE[event.blockType].label} ──\n`, DIM));
    } else if (event.type === 'block-text') {
      this.write(event.blockType === 'text' ? event.delta : this.paint(event.delta, STYLE[event.blockType].color));
    }
  }

  /** Ends the stream with the answer and why the loop stopped; a model server's failure is left to the command's error line. */
  finish(result: SolveResult): void {
    if (!this.atLineStart) this.write('\n');
    if (result.stopReason === 'backend_error') return;
    this.write('\n');
    const answer = result.answers.length === 0 ? 'no final answer' : `${result.answers.length > 1 ? 'answers' : 'answer'}: ${result.answers.join('; ')}`;
    const stop = result.stopReason === 'finished' ? '' : ` (stopped: ${result.stopReason}${result.error ? `: ${result.error}` : ''})`;
    this.write(`${this.paint(answer, this.colors ? '\u001b[1m' : '')}${stop}\n`);
  }
}
