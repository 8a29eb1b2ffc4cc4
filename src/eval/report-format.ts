import { GRADER_NAMES } from '../grade/types.js';
import type { Accuracy, DatasetMetrics, Flip } from './eval-metrics.js';
import type { LoadedRun } from './run-files.js';
import { describeShards } from './run-shards.js';
import type { MeanWithError } from './sampling-metrics.js';
import { serverMetrics } from './server-metrics.js';
import { describeShard } from './shard.js';

/** A run's report as Markdown (report.md), JSON (one object per dataset a line) or CSV. */
export const REPORT_FORMATS = ['md', 'json', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface RunReport {
  readonly run: LoadedRun;
  readonly metrics: readonly DatasetMetrics[];
}

const percent = (value: number) => `${(100 * value).toFixed(1)}`;
const cell = (text: string) => text.replace(/\|/g, '\\|');

/** A Markdown table; `|` in cells is escaped. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`)].join('\n');
}

function accuracyCells(accuracy: Accuracy): string[] {
  return GRADER_NAMES.map((name) => `${percent(accuracy.accuracy[name])} (${accuracy.correct[name]})`);
}

function describeRun(run: LoadedRun): string {
  const { manifest } = run;
  const model = manifest.model;
  const servers = model.urls ? `${model.urls.length} servers: ${model.urls.join(', ')}` : null;
  const where = model.file ? `${model.file.path} (${(model.file.sizeBytes / 1024 ** 2).toFixed(1)} MB, sha256 ${model.file.sha256.slice(0, 16)}…)` : servers ?? model.url ?? '';
  const { python } = manifest.versions;
  const config = manifest.config;
  return [
    `- Model: **${model.name}**, backend ${model.backend}${where ? `: ${where}` : ''}`,
    `- Config: ${config.solve.syntax} syntax, max ${config.solve.maxRounds} rounds of ${config.solve.maxTokensPerBlock} tokens, ` +
      `${config.samples} sample(s) per problem, temperature ${config.sampling.temperature}, top-p ${config.sampling.topP}, seed ${config.sampling.seed}, ` +
      `cell time limit ${config.solve.cellTimeoutMs / 1000} s`,
    `- Software: mathcoder ${manifest.versions.mathcoder}${manifest.git ? ` (${manifest.git.slice(0, 10)})` : ''}, Node.js ${manifest.versions.node}` +
      `${manifest.versions.nodeLlamaCpp ? `, node-llama-cpp ${manifest.versions.nodeLlamaCpp}` : ''}, Python ${python.python} (sympy ${python.sympy}, numpy ${python.numpy}, IPython ${python.ipython}), ` +
      `sandbox isolation ${manifest.sandbox.method}`,
    `- Run: created ${manifest.createdAt}, last run ${manifest.updatedAt}`,
    ...(run.shards ? [`- Shards: ${describeShards(run.shards)}`] : []),
    ...(config.shard ? [`- Shard ${describeShard(config.shard)} of the problems: \`mathcoder report\` on the folder of the shard folders merges them`] : []),
  ].join('\n');
}

const withError = (value: MeanWithError | null) => (value === null ? '–' : `${percent(value.mean)} ± ${value.standardError === null ? '–' : percent(value.standardError)}`);

/** What each model server did, with several servers (eval --base-url repeated). */
function serverSection(report: RunReport): string[] {
  const servers = serverMetrics(report.run.manifest.servers ?? []);
  if (servers.length === 0) return [];
  return [
    '## Model servers',
    table(
      ['server', 'requests', 'share', 'failed requests (moved to another server)', 'times out of rotation', 'prompt tokens', 'generated tokens', 'generated tokens/s', 'busy seconds', 'state at the end'],
      servers.map((server) => [
        server.url,
        String(server.requests),
        `${percent(server.requestShare)}%`,
        String(server.failures),
        String(server.timesTakenOut),
        String(server.promptTokens),
        String(server.generatedTokens),
        server.tokensPerSecond.toFixed(1),
        server.busySeconds.toFixed(1),
        server.state,
      ]),
    ),
  ];
}

function summarySections(report: RunReport): string[] {
  const { run, metrics } = report;
  return [
    `# mathcoder evaluation: ${run.dir}`,
    describeRun(run),
    '## Accuracy (%)',
    table(
      ['dataset', 'problems', 'rows', 'strict', 'mathcoder-compat', "paper's Table 2", 'graders disagree', 'failed (redone on resume)'],
      metrics.map((m) => [m.dataset, String(m.problems), String(m.rows), ...accuracyCells(m), m.paper === null ? '–' : m.paper.toFixed(1), String(m.graderDisagreements), String(m.failed)]),
    ),
    'Accuracy is over finished rows (all samples); `strict` is the careful grader, `mathcoder-compat` what MathCoder\'s released evaluate.py does.',
  ];
}

/** The run and its accuracy table: what `mathcoder eval` prints when it ends. */
export function markdownSummary(report: RunReport): string {
  return summarySections(report).join('\n\n') + '\n';
}

export function markdownReport(report: RunReport): string {
  const { metrics } = report;
  const sections = summarySections(report);
  const sampled = metrics.filter((m) => m.samples > 1);
  if (sampled.length > 0) {
    sections.push(
      '## Sampling (strict grader)',
      table(
        ['dataset', 'samples', 'pass@k', 'maj@k', 'all samples agree', 'pass@1 (mean over samples) ± standard error', 'no answer'],
        sampled.map((m) => [
          m.dataset,
          String(m.samples),
          Object.entries(m.passAtK).map(([k, value]) => `@${k} ${percent(value)}`).join(', '),
          Object.entries(m.majAtK).map(([k, value]) => `@${k} ${percent(value)}`).join(', '),
          m.allAgree === null ? '–' : percent(m.allAgree),
          withError(m.pass1),
          percent(m.noAnswer),
        ]),
      ),
      'pass@1 is each problem\'s share of correct samples, averaged over the problems with every sample finished; the standard error is across problems. pass@k is the unbiased estimator; maj@k votes over the first k samples\' answers grouped by equivalence; no answer is the share of samples without one.',
    );
  }
  sections.push(...serverSection(report));
  for (const m of metrics) {
    if (Object.keys(m.byLevel).length > 0) sections.push(`## ${m.dataset} by level`, table(['level', 'rows', 'strict', 'mathcoder-compat'], Object.entries(m.byLevel).map(([level, a]) => [level, String(a.rows), ...accuracyCells(a)])));
    if (Object.keys(m.bySubject).length > 0) sections.push(`## ${m.dataset} by subject`, table(['subject', 'rows', 'strict', 'mathcoder-compat'], Object.entries(m.bySubject).map(([subject, a]) => [subject, String(a.rows), ...accuracyCells(a)])));
  }
  const reasons = [...new Set(metrics.flatMap((m) => Object.keys(m.stopReasons)))];
  sections.push('## Stop reasons', table(['dataset', ...reasons], metrics.map((m) => [m.dataset, ...reasons.map((reason) => String(m.stopReasons[reason] ?? 0))])));
  sections.push(
    '## Rounds per problem',
    table(['dataset', 'mean', 'rounds: problems'], metrics.map((m) => [m.dataset, m.rounds.mean.toFixed(2), Object.entries(m.rounds.histogram).map(([rounds, count]) => `${rounds}: ${count}`).join(', ')])),
  );
  sections.push(
    '## Code executions',
    table(
      ['dataset', 'cells', 'errors', 'timeouts', 'killed', 'error share', 'timeout or killed share'],
      metrics.map((m) => [m.dataset, String(m.executions.cells), String(m.executions.errors), String(m.executions.timeouts), String(m.executions.killed), `${percent(m.executions.errorShare)}%`, `${percent(m.executions.timeoutShare)}%`]),
    ),
  );
  sections.push(
    '## Cost per problem',
    table(
      ['dataset', 'generated tokens', 'tokens evaluated', 'seconds'],
      metrics.map((m) => [m.dataset, m.tokens.generatedPerProblem.toFixed(0), m.tokens.evaluatedPerProblem === null ? '–' : m.tokens.evaluatedPerProblem.toFixed(0), m.secondsPerProblem.toFixed(2)]),
    ),
  );
  return sections.join('\n\n') + '\n';
}

/**
 * One JSON object per dataset: `dataset`, `rows`, `accuracy` keyed by grader, and every other metric (with
 * `shards` for merged shards); then, with several model servers, one object per `server`.
 */
export function jsonReport(report: RunReport): string {
  const { run } = report;
  const model = run.manifest.model.name;
  const shards = run.shards ? { shards: { count: run.shards.count, merged: run.shards.shards.map((shard) => shard.index), missing: run.shards.missing, incomplete: run.shards.incomplete } } : {};
  const datasets = report.metrics.map((m) => JSON.stringify({ run: run.dir, model, ...m, ...shards }));
  const servers = serverMetrics(run.manifest.servers ?? []).map(({ url, ...metrics }) => JSON.stringify({ run: run.dir, model, server: url, ...metrics }));
  return [...datasets, ...servers].join('\n') + '\n';
}

/** Sampling columns of the CSV (after the accuracy columns): pass@1 ± standard error, no-answer rate, pass@n and maj@n. */
const CSV_SAMPLING_HEADER = ['samples', 'pass1', 'pass1_standard_error', 'no_answer', 'pass_at_samples', 'maj_at_samples'];

function csvSamplingCells(m: DatasetMetrics): string[] {
  const fraction = (value: number | null | undefined) => (value === null || value === undefined ? '' : value.toFixed(4));
  return [String(m.samples), fraction(m.pass1?.mean), fraction(m.pass1?.standardError), fraction(m.noAnswer), fraction(m.passAtK[m.samples]), fraction(m.majAtK[m.samples])];
}

export function csvReport(reports: readonly RunReport[]): string {
  const header = ['run', 'model', 'dataset', 'problems', 'rows', 'failed', ...GRADER_NAMES.map((name) => `accuracy_${name}`), 'paper', ...CSV_SAMPLING_HEADER];
  const quote = (value: string) => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  const lines = reports.flatMap((report) =>
    report.metrics.map((m) =>
      [report.run.dir, report.run.manifest.model.name, m.dataset, String(m.problems), String(m.rows), String(m.failed), ...GRADER_NAMES.map((name) => m.accuracy[name].toFixed(4)), m.paper === null ? '' : String(m.paper), ...csvSamplingCells(m)]
        .map(quote)
        .join(','),
    ),
  );
  return [header.join(','), ...lines].join('\n') + '\n';
}

/** Two runs side by side, and the problems whose verdict flipped. */
export function markdownComparison(first: RunReport, second: RunReport, changed: readonly Flip[], shown = 50): string {
  const datasets = [...new Set([...first.metrics, ...second.metrics].map((m) => m.dataset))];
  const find = (report: RunReport, dataset: string) => report.metrics.find((m) => m.dataset === dataset);
  const sections = [
    `# Comparison: ${first.run.dir} (A) vs ${second.run.dir} (B)`,
    `A: ${first.run.manifest.model.name}; B: ${second.run.manifest.model.name}`,
    table(
      ['dataset', 'A strict', 'B strict', 'A compat', 'B compat', 'A→B right to wrong', 'A→B wrong to right'],
      datasets.map((dataset) => {
        const a = find(first, dataset);
        const b = find(second, dataset);
        const lost = changed.filter((flip) => flip.dataset === dataset && flip.before && !flip.after).length;
        const won = changed.filter((flip) => flip.dataset === dataset && !flip.before && flip.after).length;
        return [
          dataset,
          a ? percent(a.accuracy.strict) : '–',
          b ? percent(b.accuracy.strict) : '–',
          a ? percent(a.accuracy['mathcoder-compat']) : '–',
          b ? percent(b.accuracy['mathcoder-compat']) : '–',
          String(lost),
          String(won),
        ];
      }),
    ),
    `## Problems that flipped (strict grader, sample 0): ${changed.length}`,
    table(
      ['problem', 'A', 'B', 'A answer', 'B answer', 'reference'],
      changed.slice(0, shown).map((flip) => [flip.id, flip.before ? 'right' : 'wrong', flip.after ? 'right' : 'wrong', flip.answerBefore, flip.answerAfter, flip.reference]),
    ),
  ];
  if (changed.length > shown) sections.push(`… and ${changed.length - shown} more (use --format json for all).`);
  return sections.join('\n\n') + '\n';
}
