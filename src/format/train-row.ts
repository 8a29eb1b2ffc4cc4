import { z } from 'zod';
import { MathcoderError } from '../errors.js';
import { trainMessageSchema } from './published-row.js';
import type { Conversation } from './types.js';

/**
 * The row format of `train_80k.jsonl` (SPEC 3.1): `{"messages": [{"role", "content": [{"type", "content"}]}]}`,
 * as the mathllm-finetune chat template reads it. Extra fields (an `id`, provenance) are kept.
 */
export const trainRowSchema = z.looseObject({ messages: z.array(trainMessageSchema).min(1) });

export type TrainRow = z.infer<typeof trainRowSchema>;

export function parseTrainRow(value: unknown, where: string): TrainRow {
  const result = trainRowSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new MathcoderError('input', `${where}: not a train_80k row: field ${issue.path.join('.') || '(row)'}: ${issue.message}`);
  }
  return result.data;
}

/** A training row is a finished conversation: every message, the last included, ends with <|endofmessage|>. */
export function trainRowConversation(row: TrainRow): Conversation {
  return { messages: row.messages, open: false };
}

export function toTrainRow(conversation: Conversation, extra: Record<string, unknown> = {}): TrainRow {
  return {
    ...extra,
    messages: conversation.messages.map((message) => ({
      role: message.role,
      content: message.content.map((block) => ({ type: block.type, content: block.content })),
    })),
  };
}
