import type { DatasetMetrics, EvalRow, Flip, RunManifest, ServerMetrics, ShardSet } from '../eval/index.js';
import type { GraderName } from '../grade/types.js';
import type { CellStatus } from '../sandbox/types.js';
import type { ExecutionRecord, StopReason, TrajectoryBlock } from '../solve/types.js';

/**
 * The HTTP API's response bodies: plain types shared by the server and the web app (which imports them as types
 * only). Every error answers `{ error: { code, message } }` with a 4xx or 5xx status.
 */

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}

export interface DatasetAccuracy {
  readonly dataset: string;
  readonly rows: number;
  readonly accuracy: Readonly<Record<GraderName, number>>;
  /** The paper's Table 2 accuracy as a fraction (like `accuracy`), when the run's model is in it. */
  readonly paperAccuracy: number | null;
}

/** A run in the list: what it is and its accuracy, or why it cannot be read. */
export interface RunListItem {
  readonly id: string;
  readonly dir: string;
  readonly model: string | null;
  readonly backend: string | null;
  readonly createdAt: string | null;
  readonly updatedAt: string | null;
  readonly rows: number;
  readonly datasets: readonly DatasetAccuracy[];
  /** Set when the run folder cannot be read (the message says what to fix). */
  readonly error: string | null;
}

/** The values the problem filters can take in a run. */
export interface RunFacets {
  readonly datasets: readonly string[];
  readonly subjects: readonly string[];
  readonly levels: readonly number[];
  readonly stopReasons: readonly StopReason[];
}

export interface RunDetail {
  readonly id: string;
  readonly dir: string;
  readonly manifest: RunManifest;
  readonly metrics: readonly DatasetMetrics[];
  readonly facets: RunFacets;
  readonly rows: number;
  /** Bytes of a last line torn by a crash (left out until the run is resumed). */
  readonly tornBytes: number;
  /** With several model servers: what each did (empty otherwise). */
  readonly servers: readonly ServerMetrics[];
  /** When the run is shard folders merged: which shards are there, missing or unfinished. */
  readonly shards: ShardSet | null;
}

/** One row of the problem list: enough to scan and filter, without the trajectory. */
export interface ProblemSummary {
  readonly key: string;
  readonly id: string;
  readonly dataset: string;
  readonly sample: number;
  /** The question's first characters. */
  readonly question: string;
  readonly reference: string;
  /** The answer each grader extracted. */
  readonly answers: Readonly<Record<GraderName, string>>;
  readonly correct: Readonly<Record<GraderName, boolean>>;
  readonly status: EvalRow['status'];
  readonly stopReason: StopReason;
  /** The type of the trajectory's last block: what the graders read their answer from when it did not finish. */
  readonly lastBlock: TrajectoryBlock['type'] | null;
  readonly rounds: number;
  readonly level: number | null;
  readonly subject: string | null;
  /** Code cells that raised, timed out or were killed. */
  readonly failedCells: number;
}

export interface ProblemPage {
  readonly total: number;
  readonly offset: number;
  readonly limit: number;
  readonly items: readonly ProblemSummary[];
}

/** A problem with its whole row, and where it sits in the filtered list (for next/previous). */
export interface ProblemDetail {
  readonly row: EvalRow;
  /** 0-based position in the filtered list; null when the filters leave this problem out. */
  readonly position: number | null;
  readonly total: number;
  readonly previous: string | null;
  readonly next: string | null;
}

export interface CompareResult {
  readonly a: RunListItem;
  readonly b: RunListItem;
  readonly grader: GraderName;
  /** Problems (sample 0) in both runs. */
  readonly common: number;
  /** Problems whose verdict differs: `before` is run a's, `after` run b's. */
  readonly flips: readonly Flip[];
}

export interface ModelSummary {
  readonly backend: string;
  readonly name: string;
  readonly contextSize: number;
}

export interface QueueState {
  readonly running: number;
  readonly waiting: number;
  readonly concurrency: number;
  readonly maxWaiting: number;
}

export interface HealthInfo {
  readonly status: 'ok';
  readonly version: string;
  /** null when the server was started without a model: it serves runs and runs code, but does not solve. */
  readonly model: ModelSummary | null;
  readonly sandbox: { readonly activeSessions: number; readonly isolation: string; readonly python: string };
  readonly solveQueue: QueueState;
  readonly executeQueue: QueueState;
  readonly runs: number;
}

/** The answer of POST /v1/execute: the edited cell's result, after the earlier cells were replayed. */
export interface ExecuteResult {
  /** What the model would read: the cell's output in MathCoder's execution style. */
  readonly output: string;
  readonly execution: ExecutionRecord;
  readonly durationMs: number;
  /** How each earlier cell ended when it was replayed. */
  readonly setup: ReadonlyArray<{ readonly status: CellStatus; readonly output: string }>;
}

/** The server-sent events of a streamed solve, by event name. */
export const SOLVE_EVENT_NAMES = ['queued', 'start', 'block-start', 'block-text', 'block-end', 'round-end', 'result', 'error'] as const;
export type SolveEventName = (typeof SOLVE_EVENT_NAMES)[number];
