import { z } from 'zod';
import { MathcoderError } from '../errors.js';
import type { Block, Conversation, Message } from './types.js';

/**
 * The row format of MathCoder's released test files and outputs (SPEC 3.1): `messages` (system + user, in the
 * train_80k content-block form), `ground_truth`, and, in outputs, `debug_result` (the whole trajectory as
 * `{role, content}` with role system|user|text|code|execution) and `completion` (the final answer string).
 */

export const contentBlockSchema = z.object({ type: z.enum(['text', 'code', 'execution']), content: z.string() });
export const trainMessageSchema = z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.array(contentBlockSchema) });

const debugRole = z.enum(['system', 'user', 'text', 'code', 'execution']);

/**
 * A `debug_result` entry. The published outputs name the kind `role`; files written by the released
 * `src/inference.py` name it `type` for the assistant's blocks. Both are read as `role`.
 */
const debugEntrySchema = z
  .union([z.object({ role: debugRole, content: z.string() }), z.object({ type: debugRole, content: z.string() })])
  .transform((entry) => ({ role: 'role' in entry ? entry.role : entry.type, content: entry.content }));

export const publishedRowSchema = z.looseObject({
  id: z.string().optional(),
  messages: z.array(trainMessageSchema),
  ground_truth: z.looseObject({
    answer: z.union([z.string(), z.number(), z.null()]),
    solution: z.string().optional(),
  }),
  debug_result: z.array(debugEntrySchema),
  completion: z.string(),
});

export type PublishedRow = z.output<typeof publishedRowSchema>;
export type DebugEntry = z.output<typeof debugEntrySchema>;

/** A published row read as a trajectory. */
export interface PublishedTrajectory {
  readonly system: string;
  readonly question: string;
  /** The blocks the model wrote and the executor printed, in order. */
  readonly blocks: readonly Block[];
  /**
   * The model ended its message. The released outputs mark this by a last `text` entry that repeats the
   * extracted answer (`completion`); that echo is not part of the trajectory and is kept here instead.
   */
  readonly finished: boolean;
  readonly answerEcho: string | null;
}

/** Validates one parsed JSON value as a published row; `where` (e.g. `file:line`) prefixes any error. */
export function parsePublishedRow(value: unknown, where: string): PublishedRow {
  const result = publishedRowSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.join('.') || '(row)';
    throw new MathcoderError('input', `${where}: not a published MathCoder row: field ${field}: ${issue.message}`);
  }
  const roles = result.data.debug_result.slice(0, 2).map((entry) => entry.role);
  if (roles[0] !== 'system' || roles[1] !== 'user') {
    throw new MathcoderError('input', `${where}: debug_result must start with a system and a user entry`);
  }
  return result.data;
}

/**
 * Whether the last entry of a finished trajectory is the answer echo. The echo follows a final text block and
 * is short, or a copy of text in it; a text block after a text block that is long and new is a continuation
 * (the model hit the per-block token limit), not an echo.
 */
function isAnswerEcho(previous: DebugEntry | undefined, last: DebugEntry | undefined): boolean {
  if (!previous || !last || previous.role !== 'text' || last.role !== 'text') return false;
  return last.content.length <= 200 || previous.content.includes(last.content);
}

export function publishedTrajectory(row: PublishedRow): PublishedTrajectory {
  const entries = row.debug_result.slice(2);
  const finished = isAnswerEcho(entries[entries.length - 2], entries[entries.length - 1]);
  const blockEntries = finished ? entries.slice(0, -1) : entries;
  return {
    system: row.debug_result[0]!.content,
    question: row.debug_result[1]!.content,
    blocks: blockEntries.map((entry) => ({ type: entry.role as Block['type'], content: entry.content })),
    finished,
    answerEcho: finished ? entries[entries.length - 1]!.content : null,
  };
}

export interface ConversationOptions {
  /** Appended to the question, as the released inference script does ("\n"); the rows store the question without it. */
  readonly querySuffix?: string;
}

/** The conversation of a published trajectory: system, user, and the assistant's blocks. */
export function publishedConversation(trajectory: PublishedTrajectory, options: ConversationOptions = {}): Conversation {
  const messages: Message[] = [
    { role: 'system', content: [{ type: 'text', content: trajectory.system }] },
    { role: 'user', content: [{ type: 'text', content: trajectory.question + (options.querySuffix ?? '') }] },
    { role: 'assistant', content: trajectory.blocks },
  ];
  return { messages, open: !trajectory.finished };
}

/** Builds a row in the published format from a trajectory (the inverse of publishedTrajectory). */
export function toPublishedRow(
  trajectory: PublishedTrajectory,
  fields: { id?: string; groundTruth: PublishedRow['ground_truth']; completion?: string; extra?: Record<string, unknown> },
): PublishedRow {
  const debug: DebugEntry[] = [
    { role: 'system', content: trajectory.system },
    { role: 'user', content: trajectory.question },
    ...trajectory.blocks.map((block) => ({ role: block.type, content: block.content })),
  ];
  if (trajectory.finished) debug.push({ role: 'text', content: trajectory.answerEcho ?? fields.completion ?? '' });
  const completion = fields.completion ?? debug[debug.length - 1]!.content;
  return {
    ...(fields.id === undefined ? {} : { id: fields.id }),
    messages: [
      { role: 'system', content: [{ type: 'text', content: trajectory.system }] },
      { role: 'user', content: [{ type: 'text', content: trajectory.question }] },
    ],
    ground_truth: fields.groundTruth,
    debug_result: debug,
    completion,
    ...fields.extra,
  };
}
