import { MathcoderError } from '../../errors.js';
import { parsePublishedRow, publishedTrajectory, type PublishedTrajectory } from '../../format/index.js';
import { readJsonlSync } from '../../util/jsonl.js';

export interface IndexedTrajectory {
  readonly trajectory: PublishedTrajectory;
  /** `file:line` of the row. */
  readonly where: string;
}

/** Published trajectories by question text (the first row wins when files repeat a question). */
export class PublishedIndex {
  private readonly byQuestion = new Map<string, IndexedTrajectory>();
  /** Rows whose question an earlier row already had. */
  duplicates = 0;

  static load(files: readonly string[]): PublishedIndex {
    const index = new PublishedIndex();
    for (const file of files) {
      for (const line of readJsonlSync(file)) {
        const where = `${file}:${line.lineNumber}`;
        const trajectory = publishedTrajectory(parsePublishedRow(line.value, where));
        if (index.byQuestion.has(trajectory.question)) index.duplicates += 1;
        else index.byQuestion.set(trajectory.question, { trajectory, where });
      }
    }
    if (index.byQuestion.size === 0) throw new MathcoderError('input', `no published trajectories in ${files.join(', ')}`);
    return index;
  }

  get size(): number {
    return this.byQuestion.size;
  }

  /** The trajectory of a question as a prompt carries it: exactly, or with the query suffix ("\n") appended. */
  find(userText: string): IndexedTrajectory | undefined {
    return this.byQuestion.get(userText) ?? (userText.endsWith('\n') ? this.byQuestion.get(userText.slice(0, -1)) : undefined);
  }

  questions(): IterableIterator<string> {
    return this.byQuestion.keys();
  }
}
