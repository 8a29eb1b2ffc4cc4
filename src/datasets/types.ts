import type { HubFile } from '../hub/hub-file.js';

/** One benchmark problem, whatever the set's native fields were. */
export interface Problem {
  /** Stable: the set's own id where it has one (SVAMP `ID`, MATH500 `unique_id`), else one made from the question. */
  readonly id: string;
  readonly dataset: string;
  readonly question: string;
  /** The reference final answer, as text. */
  readonly answer: string;
  /** MATH difficulty 1–5, where the set gives it. */
  readonly level?: number;
  /** MATH subject in snake case (`intermediate_algebra`), where the set gives it. */
  readonly subject?: string;
}

export type SourceFormat = 'jsonl' | 'parquet';

/** Where the hub keeps a copy of a set: the files, read in order and concatenated. */
export interface HubSource {
  readonly files: readonly HubFile[];
  readonly format: SourceFormat;
  /** What the copy is, for `mathcoder datasets` and error messages. */
  readonly note: string;
}

export interface DatasetSpec {
  readonly name: string;
  readonly title: string;
  /** One of the five sets of the MathCoder paper's Table 2. */
  readonly inPaper: boolean;
  /** The file under a data folder, same layout as ../shared/data (`gsm8k/test.jsonl`). */
  readonly localPath: string;
  readonly expectedRows: number;
  readonly hub: HubSource | null;
  /** Native row → Problem; `where` (file:line) goes into any error. */
  mapRow(row: Record<string, unknown>, where: string): Omit<Problem, 'id' | 'dataset'> & { readonly nativeId?: string };
}
