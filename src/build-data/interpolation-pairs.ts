import { MathcoderError } from '../errors.js';
import type { SeedProblem } from './seed-problem.js';

/**
 * The (GSM8K, MATH) pairs of problem interpolation, drawn at random as the paper does, reproducibly: pair i
 * depends only on the seed, i and the seed lists, so a resumed run asks for the same pairs and a longer run
 * (more --problems) extends a shorter one.
 */
export interface InterpolationPair {
  /** `d1/<seed>-<i>`. */
  readonly id: string;
  readonly index: number;
  readonly gsm8k: SeedProblem;
  readonly math: SeedProblem;
}

/** mulberry32: a small, fast, well-mixed 32-bit generator. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

export function interpolationPairs(seeds: readonly SeedProblem[], count: number, seed: number): InterpolationPair[] {
  const gsm8k = seeds.filter((problem) => problem.source === 'gsm8k');
  const math = seeds.filter((problem) => problem.source === 'math');
  if (gsm8k.length === 0 || math.length === 0) {
    throw new MathcoderError('input', `interpolation needs GSM8K and MATH seed problems; the seeds hold ${gsm8k.length} GSM8K and ${math.length} MATH: make them with \`mathcoder data seed\` from both sets`);
  }
  const pairs: InterpolationPair[] = [];
  for (let index = 0; index < count; index += 1) {
    const next = random(Math.imul(seed ^ 0x5bd1e995, 2654435761) + index * 0x9e3779b9);
    next();
    pairs.push({ id: `d1/${seed}-${index}`, index, gsm8k: gsm8k[Math.floor(next() * gsm8k.length)]!, math: math[Math.floor(next() * math.length)]! });
  }
  return pairs;
}
