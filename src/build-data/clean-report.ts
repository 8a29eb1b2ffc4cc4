import { table } from '../eval/report-format.js';
import type { CleanOutcome } from './clean-rows.js';
import { RULE_SETTINGS, type DecontaminationRule } from './contamination.js';
import { countBy } from './d0-stats.js';

/** What `data clean` removed and why: counts by reason and by test set, and each removed row with what it matched. */
export interface CleanReport {
  readonly inputs: ReadonlyArray<{ readonly path: string; readonly rows: number }>;
  readonly rule: DecontaminationRule;
  readonly settings: { readonly n: number; readonly threshold: number; readonly minProseWords: number };
  readonly testSets: ReadonlyArray<{ readonly name: string; readonly problems: number }>;
  readonly rows: number;
  readonly kept: number;
  readonly removed: number;
  readonly byReason: Readonly<Record<string, number>>;
  readonly byTestSet: Readonly<Record<string, number>>;
}

export function cleanReport(outcome: CleanOutcome, rule: DecontaminationRule, threshold: number | undefined, testSets: CleanReport['testSets']): CleanReport {
  return {
    inputs: outcome.inputs,
    rule,
    settings: { ...RULE_SETTINGS[rule], ...(threshold === undefined ? {} : { threshold }) },
    testSets,
    rows: outcome.rows,
    kept: outcome.kept,
    removed: outcome.removed.length,
    byReason: countBy(outcome.removed, (row) => row.removal!.reason),
    byTestSet: countBy(outcome.removed, (row) => row.removal!.dataset),
  };
}

const excerpt = (text: string, length = 140) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > length ? `${flat.slice(0, length - 1)}…` : flat;
};

export function cleanReportMarkdown(report: CleanReport, outcome: CleanOutcome, shown = 50): string {
  const { settings } = report;
  const ruleText =
    report.rule === 'mathcoder2'
      ? `mathcoder2 (MathCoder2's rule: exact substring, or word ${settings.n}-gram Jaccard > ${settings.threshold})`
      : `normalized (exact match without case or punctuation, or Jaccard > ${settings.threshold} of ${settings.n}-grams inside sentences with numbers and names as placeholders; problems with under ${settings.minProseWords} prose words matched exactly only)`;
  return [
    `# mathcoder data clean`,
    `- Input: ${report.inputs.map((input) => `${input.path} (${input.rows} rows)`).join(', ')}`,
    `- Kept ${report.kept} of ${report.rows} rows; removed ${report.removed}`,
    `- Decontamination rule: ${ruleText}`,
    `- Test sets: ${report.testSets.map((set) => `${set.name} (${set.problems})`).join(', ')}`,
    '## Removed, by reason',
    table(['reason', 'rows'], Object.entries(report.byReason).map(([reason, count]) => [reason, String(count)])),
    '## Removed as contaminated, by test set',
    table(['test set', 'rows'], Object.entries(report.byTestSet).map(([name, count]) => [name, String(count)])),
    `## Removed rows${outcome.removed.length > shown ? ` (the first ${shown}; all are in the removed file)` : ''}`,
    table(
      ['row', 'reason', 'of', 'similarity', 'question', 'matched'],
      outcome.removed.slice(0, shown).map((row) => [row.id, row.removal!.reason, row.removal!.of, row.removal!.similarity.toFixed(2), excerpt(row.question), excerpt(row.removal!.matched)]),
    ),
  ].join('\n\n') + '\n';
}
