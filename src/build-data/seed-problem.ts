import { z } from 'zod';
import { MathcoderError } from '../errors.js';
import { SEED_SOURCES, type SeedSource } from './seed-names.js';

/**
 * A seed problem: a GSM8K or MATH *training* problem with its reference answer, the input of D0 (teacher
 * solutions) and D1 (interpolation). `origin` says where it was read (file and line, the source's own id).
 */
export { SEED_SOURCES, type SeedSource };

export interface SeedProblem {
  /** `gsm8k-train/<hash>`, `math-train/<native id or hash>`. */
  readonly id: string;
  readonly source: SeedSource;
  readonly question: string;
  /** The reference final answer. */
  readonly answer: string;
  readonly level?: number;
  readonly subject?: string;
  readonly origin: { readonly where: string; readonly nativeId?: string };
}

const seedSchema = z.looseObject({
  id: z.string().min(1),
  source: z.enum(SEED_SOURCES),
  question: z.string().min(1),
  answer: z.string(),
  level: z.number().optional(),
  subject: z.string().optional(),
  origin: z.looseObject({ where: z.string(), nativeId: z.string().optional() }),
});

export function parseSeedProblem(value: unknown, where: string): SeedProblem {
  const result = seedSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new MathcoderError('input', `${where}: not a seed problem (field ${issue.path.join('.') || '(row)'}: ${issue.message}); make seeds with \`mathcoder data seed\``);
  }
  return result.data as SeedProblem;
}
