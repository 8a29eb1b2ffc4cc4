/** The training sets seed problems come from. */
export const SEED_SOURCES = ['gsm8k', 'math'] as const;
export type SeedSource = (typeof SEED_SOURCES)[number];

/** The files of a seed folder (`mathcoder data seed --out DIR`). */
export const SEED_FILES = { seeds: 'seeds.jsonl', overlaps: 'test-overlaps.jsonl', manifest: 'manifest.json' } as const;
