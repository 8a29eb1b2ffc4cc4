import { MathcoderError } from '../errors.js';

/** Reading one field of a native row, with an error that names the row and the field. */
export function field(row: Record<string, unknown>, name: string, where: string): unknown {
  if (!(name in row) || row[name] === null || row[name] === undefined) {
    throw new MathcoderError('input', `${where}: missing field "${name}"`);
  }
  return row[name];
}

export function textField(row: Record<string, unknown>, name: string, where: string): string {
  const value = field(row, name, where);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return numberText(value);
  throw new MathcoderError('input', `${where}: field "${name}" must be text, got ${typeof value}`);
}

/** A numeric answer as text: 145.0 → "145", 0.5 → "0.5". */
export function numberText(value: number | bigint): string {
  return typeof value === 'bigint' ? value.toString() : Number.isInteger(value) ? value.toFixed(0) : String(value);
}

/** "Counting & Probability" → "counting_and_probability". */
export function subjectName(text: string): string {
  return text.trim().toLowerCase().replace(/&/g, 'and').replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
}

/** "Level 3" or 3 → 3; anything else (MATH has a few "Level ?") → undefined. */
export function levelNumber(value: unknown): number | undefined {
  const match = /^(?:level\s*)?([1-5])$/i.exec(String(value ?? '').trim());
  return match ? Number(match[1]) : undefined;
}

/** The user message of a row in MathCoder's *_post.jsonl format (messages with content blocks). */
export function userMessageText(row: Record<string, unknown>, where: string): string {
  const messages = field(row, 'messages', where);
  if (!Array.isArray(messages)) throw new MathcoderError('input', `${where}: field "messages" must be a list`);
  const user = messages.find((message) => (message as { role?: unknown })?.role === 'user') as { content?: unknown } | undefined;
  if (!user) throw new MathcoderError('input', `${where}: field "messages" has no user message`);
  if (typeof user.content === 'string') return user.content;
  if (Array.isArray(user.content)) return user.content.map((block) => String((block as { content?: unknown })?.content ?? '')).join('');
  throw new MathcoderError('input', `${where}: the user message has no text content`);
}
