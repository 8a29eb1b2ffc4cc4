import { z } from 'zod';
import { MathcoderError } from '../errors.js';
import { isSyntaxName } from './syntax.js';
import type { SyntaxName } from './trajectory-syntax.js';

/**
 * A recorded transcript in one dialect: the exact prompt a model was given and the exact text that followed it
 * (the model's text and the runner's frames, up to the model's end of message), with the question it solves and
 * its reference answer. The replay server serves these; `solve` and `eval` must rebuild them byte for byte.
 * `sources` says where each detail of the format was checked (JSON Lines has no comments).
 */
export const recordedTranscriptSchema = z.looseObject({
  dialect: z.string().refine(isSyntaxName, { message: 'not a known dialect' }),
  question: z.string(),
  answer: z.union([z.string(), z.number()]),
  prompt: z.string().min(1),
  completion: z.string(),
  sources: z.array(z.string()).optional(),
});

export interface RecordedTranscript {
  readonly dialect: SyntaxName;
  readonly question: string;
  readonly answer: string | number;
  readonly prompt: string;
  readonly completion: string;
}

/** Whether a JSON value is meant as a recorded transcript (rather than a published MathCoder row). */
export function looksLikeRecordedTranscript(value: unknown): boolean {
  return value !== null && typeof value === 'object' && 'dialect' in value && 'prompt' in value;
}

export function parseRecordedTranscript(value: unknown, where: string): RecordedTranscript {
  const result = recordedTranscriptSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new MathcoderError('input', `${where}: not a recorded transcript: field ${issue.path.join('.') || '(row)'}: ${issue.message}`);
  }
  const { dialect, question, answer, prompt, completion } = result.data;
  return { dialect: dialect as SyntaxName, question, answer, prompt, completion };
}
