import type { SolveLimits } from './types.js';

/** The released code's limits (SPEC 1.10, 2.1): 16 generation calls of at most 512 new tokens each. */
export const DEFAULT_LIMITS: SolveLimits = Object.freeze({
  maxRounds: 16,
  maxTokensPerBlock: 512,
  deadlineMs: null,
  loopRepeats: 3,
});

/** The paper's limit: up to 32 LCE blocks. */
export const PAPER_MAX_ROUNDS = 32;
