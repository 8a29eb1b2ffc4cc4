import { basename } from 'node:path';
import { parsePublishedRow, publishedConversation, publishedTrajectory, type Conversation } from '../../src/format/index.js';
import { readJsonlSync } from '../../src/util/jsonl.js';
import { trajectoryFiles } from '../helpers/shared.js';

export interface SharedTrajectory {
  readonly where: string;
  readonly conversation: Conversation;
}

/** The first `perFile` published trajectories of every shared file, as conversations (query suffix "\n"). */
export function sharedTrajectories(perFile: number): SharedTrajectory[] {
  return trajectoryFiles().flatMap((file) =>
    readJsonlSync(file)
      .slice(0, perFile)
      .map(({ lineNumber, value }) => {
        const where = `${basename(file)}:${lineNumber}`;
        return { where, conversation: publishedConversation(publishedTrajectory(parsePublishedRow(value, where)), { querySuffix: '\n' }) };
      }),
  );
}
