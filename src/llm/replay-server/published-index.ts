import { MathcoderError } from '../../errors.js';
import {
  looksLikeRecordedTranscript,
  parsePublishedRow,
  parseRecordedTranscript,
  publishedTrajectory,
  type PublishedTrajectory,
  type RecordedTranscript,
} from '../../format/index.js';
import { readJsonlSync } from '../../util/jsonl.js';

export interface IndexedTrajectory {
  readonly trajectory: PublishedTrajectory;
  /** `file:line` of the row. */
  readonly where: string;
}

export interface IndexedRecording {
  readonly recording: RecordedTranscript;
  readonly where: string;
}

/** A question a replay file answers, and its reference answer as the file states it. */
export interface ReplayQuestion {
  readonly question: string;
  readonly answer: string | number | null;
}

/** The rows of a replay file: published MathCoder rows, or recorded transcripts in any dialect. */
export function readReplayRows(file: string): Array<{ where: string; published: ReturnType<typeof parsePublishedRow> } | { where: string; recording: RecordedTranscript }> {
  return readJsonlSync(file).map((line) => {
    const where = `${file}:${line.lineNumber}`;
    return looksLikeRecordedTranscript(line.value) ? { where, recording: parseRecordedTranscript(line.value, where) } : { where, published: parsePublishedRow(line.value, where) };
  });
}

/** The questions a replay file answers (published rows or recorded transcripts), in file order. */
export function replayQuestions(file: string): ReplayQuestion[] {
  return readReplayRows(file).map((row) =>
    'recording' in row ? { question: row.recording.question, answer: row.recording.answer } : { question: publishedTrajectory(row.published).question, answer: row.published.ground_truth.answer },
  );
}

/**
 * Published trajectories by question text (the first row wins when files repeat a question), and recorded
 * transcripts by their exact prompt.
 */
export class PublishedIndex {
  private readonly byQuestion = new Map<string, IndexedTrajectory>();
  private readonly recordings: IndexedRecording[] = [];
  /** Rows whose question (or recorded prompt) an earlier row already had. */
  duplicates = 0;

  static load(files: readonly string[]): PublishedIndex {
    const index = new PublishedIndex();
    for (const file of files) {
      for (const row of readReplayRows(file)) {
        if ('recording' in row) {
          if (index.recordings.some((known) => known.recording.prompt === row.recording.prompt)) index.duplicates += 1;
          else index.recordings.push({ recording: row.recording, where: row.where });
          continue;
        }
        const trajectory = publishedTrajectory(row.published);
        if (index.byQuestion.has(trajectory.question)) index.duplicates += 1;
        else index.byQuestion.set(trajectory.question, { trajectory, where: row.where });
      }
    }
    if (index.size === 0) throw new MathcoderError('input', `no published trajectories or recorded transcripts in ${files.join(', ')}`);
    return index;
  }

  get size(): number {
    return this.byQuestion.size + this.recordings.length;
  }

  /** The trajectory of a question as a prompt carries it: exactly, or with the query suffix ("\n") appended. */
  find(userText: string): IndexedTrajectory | undefined {
    return this.byQuestion.get(userText) ?? (userText.endsWith('\n') ? this.byQuestion.get(userText.slice(0, -1)) : undefined);
  }

  /** The recorded transcript whose prompt a request's prompt starts with (the longest, if several). */
  findRecording(prompt: string): IndexedRecording | undefined {
    let best: IndexedRecording | undefined;
    for (const entry of this.recordings) {
      if (prompt.startsWith(entry.recording.prompt) && (!best || entry.recording.prompt.length > best.recording.prompt.length)) best = entry;
    }
    return best;
  }

  questions(): IterableIterator<string> {
    return this.byQuestion.keys();
  }
}
