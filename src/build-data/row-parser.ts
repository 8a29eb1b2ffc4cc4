import type { z } from 'zod';
import { MathcoderError } from '../errors.js';

/** Validates a line read back from a stage's JSONL file; the error names the line and the field. */
export function rowParser<Row>(schema: z.ZodType, what: string): (value: unknown, where: string) => Row {
  return (value, where) => {
    const result = schema.safeParse(value);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      throw new MathcoderError('input', `${where}: not a ${what} row (field ${issue.path.join('.') || '(row)'}: ${issue.message}); fix or delete that line, the stage redoes it`);
    }
    return result.data as Row;
  };
}
