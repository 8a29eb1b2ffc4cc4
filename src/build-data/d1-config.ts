import type { SyntaxName } from '../format/index.js';
import type { Prices } from './d0-stats.js';
import type { SamplingSettings, SolveSettings } from './solution-attempt.js';
import type { TrainPrompt } from './training-example.js';

/** The files of a D1 stage folder, and its settings. */
export const D1_FILES = {
  interpolations: 'interpolations.jsonl',
  solutions: 'solutions.jsonl',
  decisions: 'decisions.jsonl',
  kept: 'kept.jsonl',
  stats: 'stats.json',
  report: 'stats.md',
  manifest: 'manifest.json',
} as const;

export interface D1Config {
  /** (GSM8K, MATH) pairs to interpolate. */
  readonly problems: number;
  /** Seed of the random pairs. */
  readonly pairSeed: number;
  readonly concurrency: number;
  readonly interpolation: { readonly maxTokens: number; readonly temperature: number; readonly topP: number; readonly seed: number };
  /** The prompt format of a completion-model teacher. */
  readonly teacherSyntax: SyntaxName;
  /** Ask the judge; with `filter`, keep only problems judged harder than the GSM8K source and easier than the MATH one. */
  readonly judge: { readonly enabled: boolean; readonly filter: boolean; readonly maxTokens: number };
  /** Student solutions per problem (the paper's n = 3). */
  readonly samples: number;
  /** Which agreeing solutions become training examples. */
  readonly keep: 'one' | 'all';
  readonly sampling: SamplingSettings;
  readonly solve: SolveSettings;
  readonly train: TrainPrompt;
  readonly prices: Prices;
}
