import { MathcoderError } from '../errors.js';
import {
  parsePublishedRow,
  parseTrainRow,
  publishedConversation,
  publishedTrajectory,
  trainRowConversation,
  type Conversation,
} from '../format/index.js';

/** One training example read from an input line: its conversation and where it came from. */
export interface TrainingRow {
  /** `file:line`, for messages. */
  readonly where: string;
  /** The row's `id` when it has one, else `where`. */
  readonly id: string;
  readonly conversation: Conversation;
}

export interface TrainingRowOptions {
  /** Appended to the question of a published-format row (the released inference appends "\n"). */
  readonly querySuffix: string;
}

/**
 * Reads a train_80k row (`messages` with the assistant's blocks) or a row in the published trajectory format
 * (`debug_result`), and checks that its blocks are in an order the MathCoder loop can produce.
 */
export function readTrainingRow(value: unknown, where: string, options: TrainingRowOptions): TrainingRow {
  const isPublished = value !== null && typeof value === 'object' && 'debug_result' in value;
  let conversation: Conversation;
  let id: unknown;
  if (isPublished) {
    const row = parsePublishedRow(value, where);
    conversation = publishedConversation(publishedTrajectory(row), { querySuffix: options.querySuffix });
    id = row.id;
  } else {
    const row = parseTrainRow(value, where);
    conversation = trainRowConversation(row);
    id = row.id;
  }
  checkBlockOrder(conversation, where);
  return { where, id: typeof id === 'string' || typeof id === 'number' ? String(id) : where, conversation };
}

/**
 * The order rules: an optional system message first, then user and assistant in turn, ending with the assistant;
 * system and user messages hold text only; in the assistant's blocks an execution directly follows a code block,
 * and a code block is followed by its execution unless it is the last block.
 */
export function checkBlockOrder(conversation: Conversation, where: string): void {
  const fail = (what: string): never => {
    throw new MathcoderError('input', `${where}: blocks out of order: ${what}`);
  };
  const messages = conversation.messages;
  messages.forEach((message, index) => {
    const expected = index === 0 ? (message.role === 'system' ? 'system' : 'user') : messages[index - 1]!.role === 'user' ? 'assistant' : 'user';
    if (message.role !== expected) fail(`message ${index + 1} is ${message.role} where ${expected} must come`);
    if (message.role !== 'assistant') {
      const other = message.content.find((block) => block.type !== 'text');
      if (other) fail(`the ${message.role} message (message ${index + 1}) has a ${other.type} block; it may hold text only`);
      return;
    }
    if (message.content.length === 0) fail(`the assistant message (message ${index + 1}) has no blocks`);
    message.content.forEach((block, position) => {
      const previous = message.content[position - 1];
      const next = message.content[position + 1];
      if (block.type === 'execution' && previous?.type !== 'code') {
        fail(`assistant block ${position + 1} is an execution that follows ${previous ? `a ${previous.type} block` : 'nothing'}, not a code block`);
      }
      if (block.type === 'code' && next !== undefined && next.type !== 'execution') {
        fail(`assistant block ${position + 1} is a code block followed by a ${next.type} block, not by its execution`);
      }
    });
  });
  if (messages[messages.length - 1]?.role !== 'assistant') fail('the last message is not the assistant’s: there is nothing to train on');
}
