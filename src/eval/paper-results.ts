/**
 * The MathCoder paper's Table 2 (arXiv 2310.03731, SPEC 1.8): accuracy in percent on GSM8K, MATH, SVAMP,
 * Mathematics and SimulEq, for the models a report may be compared with. Rows are placed as SPEC 1.8 explains
 * (the 13B labels are lost in the Markdown copy and were recovered from Table 3).
 */

export const PAPER_DATASETS = ['gsm8k', 'math', 'svamp', 'mathematics', 'simuleq'] as const;
export type PaperDataset = (typeof PAPER_DATASETS)[number];

export interface PaperRow {
  readonly model: string;
  readonly base: string;
  readonly size: string;
  readonly accuracy: Readonly<Partial<Record<PaperDataset, number>>>;
  /** Lower-case fragments that identify this model in a model name or file name. */
  readonly aliases: readonly string[];
}

const row = (model: string, base: string, size: string, values: Array<number | null>, aliases: string[]): PaperRow => ({
  model,
  base,
  size,
  accuracy: Object.fromEntries(PAPER_DATASETS.flatMap((dataset, index) => (values[index] === null ? [] : [[dataset, values[index]!]]))),
  aliases,
});

export const PAPER_TABLE_2: readonly PaperRow[] = [
  row('MathCoder-L', 'Llama-2', '7B', [64.2, 23.3, 71.5, 46.9, 47.5], ['mathcoder-l-7b']),
  row('MathCoder-L', 'Llama-2', '13B', [72.6, 29.9, 76.9, 54.7, 62.3], ['mathcoder-l-13b']),
  row('MathCoder-L', 'Llama-2', '70B', [83.9, 45.1, 84.9, 74.4, 77.0], ['mathcoder-l-70b']),
  row('MathCoder-CL', 'CodeLlama', '7B', [67.8, 30.2, 70.7, 55.8, 49.6], ['mathcoder-cl-7b']),
  row('MathCoder-CL', 'CodeLlama', '13B', [74.1, 35.9, 78.0, 62.5, 60.7], ['mathcoder-cl-13b']),
  row('MathCoder-CL', 'CodeLlama', '34B', [81.7, 45.2, 82.5, 75.9, 65.8], ['mathcoder-cl-34b']),
  row('WizardMath', 'Llama-2', '7B', [54.9, 10.7, 36.1, 9.3, 12.8], ['wizardmath-7b']),
  row('WizardMath', 'Llama-2', '13B', [63.9, 14.0, 51.9, 14.1, 14.9], ['wizardmath-13b']),
  row('WizardMath', 'Llama-2', '70B', [81.6, 22.7, 71.8, 17.1, 37.9], ['wizardmath-70b']),
  row('GPT-4', '-', '-', [92.0, 42.5, 97.0, null, null], ['gpt-4']),
  row('GPT-4 Code', '-', '-', [97.0, 69.7, null, null, null], ['gpt-4-code']),
];

function normalise(name: string): string {
  return name.toLowerCase().replace(/[_\s.]+/g, '-');
}

/** The Table 2 row of a model, recognised from its name, file or hub reference (e.g. `MathCoder-CL-7B.Q4_K_M.gguf`). */
export function paperRowFor(modelName: string): PaperRow | null {
  const name = normalise(modelName);
  const matches = new Set<PaperRow>();
  for (const candidate of PAPER_TABLE_2) {
    for (const alias of candidate.aliases) {
      // The alias must end at a word boundary: mathcoder-cl-7b must not match mathcoder-cl-70b.
      const at = name.indexOf(alias);
      if (at >= 0 && !/[0-9a-z]/.test(name.charAt(at + alias.length))) matches.add(candidate);
    }
  }
  // A name that names two models (a replay of several models' outputs) has no single Table 2 row.
  return matches.size === 1 ? [...matches][0]! : null;
}
