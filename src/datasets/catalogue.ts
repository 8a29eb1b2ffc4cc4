import { MathcoderError } from '../errors.js';
import { lastBoxed } from '../grade/strict/extract-answer.js';
import type { HubFile } from '../hub/hub-file.js';
import { field, levelNumber, subjectName, textField, userMessageText } from './native-fields.js';
import type { DatasetSpec } from './types.js';

/**
 * The benchmark registry: the five sets of the MathCoder paper and four common companions, each with the
 * native fields it is read from (../shared/README.md), where a data folder holds it, and where the Hugging Face
 * hub keeps a copy. The hub sources are data, not code: the canonical dataset repositories
 * (openai/gsm8k, EleutherAI/hendrycks_math, HuggingFaceH4/MATH-500, ChilleD/SVAMP, reasoning-machines/gsm-hard),
 * read as JSON Lines or Parquet. `refs/convert/parquet` is the branch where the hub's own converter publishes
 * every dataset as `{config}/{split}/0000.parquet`. Mathematics and SimulEq exist only in mathllm/MathCoder's
 * GitHub repository (data/*_test_post.jsonl), and the ASDiv/MAWPS copies the field uses are
 * math-evaluation-harness's (GitHub): those four have no hub source and are read from a data folder or a file.
 */

const dataset = (repo: string, path: string, revision?: string): HubFile => ({ repoType: 'dataset', repo, path, ...(revision ? { revision } : {}) });

const MATH_SUBJECTS = ['algebra', 'counting_and_probability', 'geometry', 'intermediate_algebra', 'number_theory', 'prealgebra', 'precalculus'];

function boxedAnswer(solution: string, where: string): string {
  const answer = lastBoxed(solution);
  if (answer === null) throw new MathcoderError('input', `${where}: field "solution" has no \\boxed{} answer`);
  return answer;
}

function gsm8kAnswer(text: string, where: string): string {
  const index = text.lastIndexOf('####');
  if (index === -1) throw new MathcoderError('input', `${where}: field "answer" has no "#### N" final answer`);
  return text.slice(index + 4).trim().replace(/,/g, '');
}

const join = (...parts: string[]) => parts.map((part) => part.trim()).filter(Boolean).join(' ');

export const DATASETS: readonly DatasetSpec[] = [
  {
    name: 'gsm8k',
    title: 'GSM8K test (grade-school word problems)',
    inPaper: true,
    localPath: 'gsm8k/test.jsonl',
    expectedRows: 1319,
    hub: { files: [dataset('openai/gsm8k', 'main/test-00000-of-00001.parquet')], format: 'parquet', note: 'openai/gsm8k, config main' },
    mapRow: (row, where) => ({ question: textField(row, 'question', where), answer: gsm8kAnswer(textField(row, 'answer', where), where) }),
  },
  {
    name: 'math',
    title: 'MATH test (competition mathematics, levels 1-5, 7 subjects)',
    inPaper: true,
    localPath: 'math/test.jsonl',
    expectedRows: 5000,
    hub: {
      files: MATH_SUBJECTS.map((subject) => dataset('EleutherAI/hendrycks_math', `${subject}/test-00000-of-00001.parquet`)),
      format: 'parquet',
      note: 'EleutherAI/hendrycks_math, one config per subject',
    },
    mapRow: (row, where) => {
      const level = levelNumber(field(row, 'level', where));
      return {
        question: textField(row, 'problem', where),
        answer: boxedAnswer(textField(row, 'solution', where), where),
        ...(level === undefined ? {} : { level }),
        subject: subjectName(textField(row, 'type', where)),
      };
    },
  },
  {
    name: 'svamp',
    title: 'SVAMP (varied one-step and two-step word problems)',
    inPaper: true,
    localPath: 'svamp/test.jsonl',
    expectedRows: 1000,
    hub: { files: [dataset('ChilleD/SVAMP', 'default/test/0000.parquet', 'refs/convert/parquet')], format: 'parquet', note: 'ChilleD/SVAMP (hub parquet conversion)' },
    mapRow: (row, where) => ({
      // MathCoder's data/SVAMP_test_post.jsonl joins body and question with ", " (even after a full stop): the
      // published runs, and the paper's SVAMP numbers, saw the question written that way.
      question: `${textField(row, 'Body', where).trim()}, ${textField(row, 'Question', where).trim()}`,
      answer: textField(row, 'Answer', where),
      nativeId: textField(row, 'ID', where),
    }),
  },
  {
    name: 'mathematics',
    title: 'Mathematics (the MathCoder paper\'s sample of the DeepMind mathematics dataset)',
    inPaper: true,
    localPath: 'mathematics/test.jsonl',
    expectedRows: 1000,
    hub: null,
    mapRow: (row, where) => ({ question: userMessageText(row, where), answer: textField(field(row, 'ground_truth', where) as Record<string, unknown>, 'answer', `${where} ground_truth`) }),
  },
  {
    name: 'simuleq',
    title: 'SimulEq (systems of equations word problems)',
    inPaper: true,
    localPath: 'simuleq/test.jsonl',
    expectedRows: 514,
    hub: null,
    mapRow: (row, where) => ({ question: userMessageText(row, where), answer: textField(field(row, 'ground_truth', where) as Record<string, unknown>, 'answer', `${where} ground_truth`) }),
  },
  {
    name: 'math500',
    title: 'MATH500 (the 500-problem MATH subset of PRM800K)',
    inPaper: false,
    localPath: 'math/math500.jsonl',
    expectedRows: 500,
    hub: { files: [dataset('HuggingFaceH4/MATH-500', 'test.jsonl')], format: 'jsonl', note: 'HuggingFaceH4/MATH-500' },
    mapRow: (row, where) => {
      const level = levelNumber(field(row, 'level', where));
      return {
        question: textField(row, 'problem', where),
        answer: textField(row, 'answer', where),
        ...(level === undefined ? {} : { level }),
        subject: subjectName(textField(row, 'subject', where)),
        nativeId: textField(row, 'unique_id', where),
      };
    },
  },
  {
    name: 'asdiv',
    title: 'ASDiv (diverse arithmetic word problems)',
    inPaper: false,
    localPath: 'asdiv/test.jsonl',
    expectedRows: 2215,
    hub: null,
    // "9 (apples)": the unit in parentheses is not part of the answer.
    mapRow: (row, where) => ({ question: join(textField(row, 'body', where), textField(row, 'question', where)), answer: textField(row, 'answer', where).replace(/\s*\([^()]*\)\s*$/, '').trim() }),
  },
  {
    name: 'gsm-hard',
    title: 'GSM-Hard (GSM8K with large numbers)',
    inPaper: false,
    localPath: 'gsm-hard/test.jsonl',
    expectedRows: 1319,
    hub: { files: [dataset('reasoning-machines/gsm-hard', 'gsmhardv2.jsonl')], format: 'jsonl', note: 'reasoning-machines/gsm-hard' },
    mapRow: (row, where) => ({ question: textField(row, 'input', where), answer: textField(row, 'target', where) }),
  },
  {
    name: 'mawps',
    title: 'MAWPS (math word problems)',
    inPaper: false,
    localPath: 'mawps/test.jsonl',
    expectedRows: 2065,
    hub: null,
    mapRow: (row, where) => ({ question: textField(row, 'input', where), answer: textField(row, 'target', where) }),
  },
];

export const DATASET_NAMES: readonly string[] = DATASETS.map((spec) => spec.name);

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

/** The spec of a dataset; an unknown name lists the known ones (and the closest, if one is close). */
export function datasetSpec(name: string): DatasetSpec {
  const key = name.trim().toLowerCase();
  const spec = DATASETS.find((candidate) => candidate.name === key);
  if (spec) return spec;
  const close = DATASET_NAMES.map((candidate) => ({ candidate, distance: editDistance(candidate, key) })).sort((a, b) => a.distance - b.distance)[0];
  const suggestion = close && close.distance <= 2 ? close.candidate : null;
  throw new MathcoderError('input', `unknown dataset "${name}"${suggestion ? ` (did you mean ${suggestion}?)` : ''}; known: ${DATASET_NAMES.join(', ')}`);
}

/** The dataset a result file is about, from its path (`outs/MathCoder-L-7b/GSM8K/…`, `svamp.correct.jsonl`), or null. */
export function datasetFromPath(path: string): string | null {
  const lower = path.toLowerCase();
  const names = [...DATASET_NAMES].sort((a, b) => b.length - a.length);
  return names.find((name) => new RegExp(`(^|[^a-z0-9])${name.replace(/-/g, '[-_]?')}([^a-z0-9]|$)`).test(lower)) ?? null;
}
