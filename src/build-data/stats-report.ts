import { table } from '../eval/report-format.js';
import type { CostEstimate, D0Stats, KeepCount, RoundStats } from './d0-stats.js';
import type { D1Stats } from './d1-stats.js';
import type { ExportStats } from './export-rows.js';
import type { TokenUsage } from './metered-backend.js';

/** The stats of the data stages as Markdown (stats.md beside stats.json). */

const share = (part: number, whole: number) => (whole === 0 ? '–' : `${((100 * part) / whole).toFixed(1)}%`);

export function keepTable(title: string, counts: Readonly<Record<string, KeepCount>>): string {
  return table(
    [title, 'kept', 'total', 'kept %'],
    Object.entries(counts).map(([name, count]) => [name, String(count.kept), String(count.total), share(count.kept, count.total)]),
  );
}

export function countTable(title: string, counts: Readonly<Record<string, number>>, total: number): string {
  return table([title, 'count', 'share'], Object.entries(counts).map(([name, count]) => [name, String(count), share(count, total)]));
}

export function usageLine(who: string, usage: TokenUsage, cost: CostEstimate | null): string {
  const uncounted = usage.uncounted > 0 ? ` (${usage.uncounted} answers did not report their tokens)` : '';
  const dollars = cost ? `; estimated cost $${cost.usd.toFixed(2)} at $${cost.promptPerMillion}/$${cost.completionPerMillion} per million prompt/completion tokens` : '';
  return `- ${who}: ${usage.requests} requests, ${usage.promptTokens} prompt tokens (every request's prompt counted), ${usage.completionTokens} completion tokens${uncounted}${dollars}`;
}

export function roundsLine(rounds: RoundStats): string {
  return `- Rounds (generation calls) per solution: mean ${rounds.mean.toFixed(2)}; ${Object.entries(rounds.histogram).map(([count, number]) => `${count}: ${number}`).join(', ')}`;
}

export function d0StatsMarkdown(stats: D0Stats, dir: string): string {
  return [
    `# D0 teacher solutions: ${dir}`,
    `- Attempts: ${stats.attempts} on ${stats.problems} seed problems; kept ${stats.kept} (${share(stats.kept, stats.attempts - stats.failed)} of finished attempts); ` +
      `${stats.problemsWithKept} problems (${share(stats.problemsWithKept, stats.problems)}) have at least one kept solution` +
      (stats.failed > 0 ? `; ${stats.failed} failed at the server (redone on resume)` : ''),
    roundsLine(stats.rounds),
    `- Tool calls: ${stats.toolCalls.calls} (${stats.toolCalls.malformed} malformed), executions that failed (error, timeout, killed): ${stats.toolCalls.executionErrors}`,
    usageLine('Teacher', stats.usage, stats.cost),
    '## Why attempts were kept or not',
    countTable('reason', stats.reasons, stats.attempts),
    '## Kept by source',
    keepTable('source', stats.bySource),
    '## Kept by MATH subject',
    keepTable('subject', stats.bySubject),
    '## Kept by MATH level',
    keepTable('level', stats.byLevel),
  ].join('\n\n') + '\n';
}

export function d1StatsMarkdown(stats: D1Stats, dir: string): string {
  const dropped = Object.values(stats.dropped).reduce((sum, count) => sum + count, 0);
  const judge = stats.judge
    ? [
        '## Difficulty judge (the new problem against each source)',
        countTable('vs the GSM8K source', stats.judge.vsGsm8k, Object.values(stats.judge.vsGsm8k).reduce((sum, count) => sum + count, 0)),
        countTable('vs the MATH source', stats.judge.vsMath, Object.values(stats.judge.vsMath).reduce((sum, count) => sum + count, 0)),
      ]
    : [];
  return [
    `# D1 interpolated problems: ${dir}`,
    `- Pairs: ${stats.pairs} asked, ${stats.interpolated} answered${stats.failed ? `, ${stats.failed} failed at the server (redone on resume)` : ''}; ` +
      `${dropped} new problems dropped before solving, ${stats.solved} solved ${stats.student.solutions > 0 ? `(${stats.student.solutions} student solutions)` : ''}`,
    `- Kept: ${stats.keptProblems} problems (${share(stats.keptProblems, stats.solved)} of those solved), ${stats.keptExamples} training examples`,
    roundsLine(stats.student.rounds),
    `- Student tool calls: ${stats.student.toolCalls} (${stats.student.malformedToolCalls} malformed), failed executions: ${stats.student.executionErrors}`,
    usageLine('Teacher (interpolation and judge)', stats.teacher.usage, stats.teacher.cost),
    usageLine('Student', stats.student.usage, null),
    '## New problems dropped before solving',
    countTable('reason', stats.dropped, stats.interpolated),
    ...judge,
    '## The n student solutions',
    countTable('decision', stats.decisions, stats.solved),
  ].join('\n\n') + '\n';
}

export function exportStatsMarkdown(stats: ExportStats, path: string): string {
  const { tokens, executions } = stats;
  return [
    `# Training data: ${path}`,
    `- Rows: ${stats.rows}`,
    `- Tokens per row (${tokens.tokenizer}, the whole rendered conversation): mean ${tokens.mean.toFixed(1)}, median ${tokens.median}, 95th percentile ${tokens.p95}, max ${tokens.max}; ${tokens.total} in all`,
    `- Executions: ${executions.cells} cells, ${executions.failed} failed (${share(executions.failed, executions.cells)})` +
      (executions.fromText > 0 ? `; ${executions.fromText} cells without a recorded status were judged from their text (a traceback)` : ''),
    '## Rows by source',
    countTable('source', stats.bySource, stats.rows),
    '## Rows by stage',
    countTable('stage', stats.byStage, stats.rows),
    '## Assistant blocks',
    table(['block', 'total', 'per row'], Object.entries(stats.blocks).map(([type, count]) => [type, String(count.total), count.perRow.toFixed(2)])),
  ].join('\n\n') + '\n';
}
