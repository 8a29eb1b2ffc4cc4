import type { DatasetMetrics, EvalRow, LoadedRun } from '../eval/index.js';
import { executionCounts, serverMetrics } from '../eval/index.js';
import { GRADER_NAMES, type GraderName } from '../grade/types.js';
import type { StopReason } from '../solve/types.js';
import type { ProblemDetail, ProblemPage, ProblemSummary, RunDetail, RunFacets, RunListItem } from './api-types.js';
import { matchesFilter, searchText, type PageRequest, type ProblemFilter } from './problem-filter.js';

const QUESTION_PREVIEW_CHARS = 240;

function byGrader<T>(value: (name: GraderName) => T): Record<GraderName, T> {
  return Object.fromEntries(GRADER_NAMES.map((name) => [name, value(name)])) as Record<GraderName, T>;
}

function summarise(row: EvalRow): ProblemSummary {
  const cells = executionCounts(row);
  return {
    key: row.key,
    id: row.id,
    dataset: row.dataset,
    sample: row.sample,
    question: row.question.length > QUESTION_PREVIEW_CHARS ? `${row.question.slice(0, QUESTION_PREVIEW_CHARS)}…` : row.question,
    reference: row.reference,
    answers: byGrader((name) => row.grades[name]?.answer ?? ''),
    correct: byGrader((name) => row.grades[name]?.correct ?? false),
    status: row.status,
    stopReason: row.stop_reason,
    lastBlock: row.blocks.at(-1)?.type ?? null,
    rounds: row.rounds,
    level: row.level ?? null,
    subject: row.subject ?? null,
    failedCells: cells.errors + cells.timeouts + cells.killed,
  };
}

function sortedUnique<T extends string | number>(values: Iterable<T | undefined>): T[] {
  const unique = [...new Set([...values].filter((value): value is T => value !== undefined))];
  return unique.sort((a, b) => String(a).localeCompare(String(b), 'en', { numeric: true }));
}

/**
 * A run's rows in dataset order: the datasets as the run lists them, each in the order of its file (rows of runs
 * written before the position was recorded keep the order they finished in), samples in turn.
 */
export function datasetOrder(rows: readonly EvalRow[], datasets: readonly string[]): EvalRow[] {
  const rank = new Map(datasets.map((name, index) => [name, index]));
  for (const row of rows) if (!rank.has(row.dataset)) rank.set(row.dataset, rank.size);
  const finished = new Map(rows.map((row, index) => [row, index]));
  return [...rows].sort((a, b) => {
    const byDataset = rank.get(a.dataset)! - rank.get(b.dataset)!;
    if (byDataset !== 0) return byDataset;
    const [first, second] = [a.index ?? Number.MAX_SAFE_INTEGER, b.index ?? Number.MAX_SAFE_INTEGER];
    if (first !== second) return first - second;
    return a.id === b.id ? a.sample - b.sample : finished.get(a)! - finished.get(b)!;
  });
}

/**
 * One run held in memory for browsing: its rows (in dataset order) with their summaries and search text computed
 * once, so that filtering and paging 10,000+ rows is a scan of plain objects per request (a few milliseconds).
 */
export class RunIndex {
  /** The rows in dataset order: the order of every listing. */
  private readonly ordered: readonly EvalRow[];
  private readonly summaries: ProblemSummary[];
  private readonly haystacks: string[];
  private readonly positionByKey: Map<string, number>;
  readonly facets: RunFacets;

  constructor(
    readonly id: string,
    readonly run: LoadedRun,
    readonly metrics: readonly DatasetMetrics[],
  ) {
    this.ordered = datasetOrder(run.rows, run.manifest.config.datasets);
    this.summaries = this.ordered.map(summarise);
    this.haystacks = this.ordered.map(searchText);
    this.positionByKey = new Map(this.ordered.map((row, index) => [row.key, index]));
    this.facets = {
      datasets: [...new Set(this.ordered.map((row) => row.dataset))],
      subjects: sortedUnique(run.rows.map((row) => row.subject)),
      levels: sortedUnique(run.rows.map((row) => row.level)),
      stopReasons: sortedUnique<StopReason>(run.rows.map((row) => row.stop_reason)),
    };
  }

  listItem(): RunListItem {
    const { manifest } = this.run;
    return {
      id: this.id,
      dir: this.run.dir,
      model: manifest.model.name,
      backend: manifest.model.backend,
      createdAt: manifest.createdAt,
      updatedAt: manifest.updatedAt ?? null,
      rows: this.run.rows.length,
      datasets: this.metrics.map((metrics) => ({ dataset: metrics.dataset, rows: metrics.rows, accuracy: metrics.accuracy, paperAccuracy: metrics.paperAccuracy })),
      error: null,
    };
  }

  detail(): RunDetail {
    const { run } = this;
    return {
      id: this.id,
      dir: run.dir,
      manifest: run.manifest,
      metrics: this.metrics,
      facets: this.facets,
      rows: run.rows.length,
      tornBytes: run.tornBytes,
      servers: serverMetrics(run.manifest.servers ?? []),
      shards: run.shards ?? null,
    };
  }

  /** Positions (in dataset order) of the rows the filter keeps. */
  private matching(filter: ProblemFilter): number[] {
    const positions: number[] = [];
    const rows = this.ordered;
    for (let index = 0; index < rows.length; index += 1) if (matchesFilter(rows[index]!, this.haystacks[index]!, filter)) positions.push(index);
    return positions;
  }

  problems(filter: ProblemFilter, page: PageRequest): ProblemPage {
    const positions = this.matching(filter);
    const items = positions.slice(page.offset, page.offset + page.limit).map((index) => this.summaries[index]!);
    return { total: positions.length, offset: page.offset, limit: page.limit, items };
  }

  /** A problem by key with its neighbours in the filtered list; null when the run has no such key. */
  problem(key: string, filter: ProblemFilter): ProblemDetail | null {
    const index = this.positionByKey.get(key);
    if (index === undefined) return null;
    const positions = this.matching(filter);
    const at = positions.indexOf(index);
    const keyAt = (position: number) => (position >= 0 && position < positions.length ? this.ordered[positions[position]!]!.key : null);
    if (at < 0) return { row: this.ordered[index]!, position: null, total: positions.length, previous: null, next: keyAt(0) };
    return { row: this.ordered[index]!, position: at, total: positions.length, previous: keyAt(at - 1), next: keyAt(at + 1) };
  }

  /** The run's rows, in dataset order (for comparing runs). */
  rows(): readonly EvalRow[] {
    return this.ordered;
  }
}
