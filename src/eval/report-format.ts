import { basename } from 'node:path';
import { GRADER_NAMES } from '../grade/types.js';
import type { Accuracy, DatasetMetrics, Flip } from './eval-metrics.js';
import type { LoadedRun } from './run-files.js';
import { describeShards } from './run-shards.js';
import type { MeanWithError } from './sampling-metrics.js';
import { serverMetrics } from './server-metrics.js';
import { describeShard } from './shard.js';

export { REPORT_FORMATS, type ReportFormat } from './report-formats.js';

export interface RunReport {
  readonly run: LoadedRun;
  readonly metrics: readonly DatasetMetrics[];
}

const percent = (value: number) => `${(100 * value).toFixed(1)}`;
const paperCell = (m: DatasetMetrics) => (m.paperAccuracy === null ? '–' : percent(m.paperAccuracy));

/** A run's name: its folder's (the run id the viewer shows), never a whole path. */
export function runName(run: LoadedRun): string {
  return basename(run.dir);
}
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

/** A Markdown table; `|` in cells is escaped and line breaks become spaces. */
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
    `- Run: created ${manifest.createdAt}, last run ${manifest.updatedAt}${(manifest.invocations?.length ?? 0) > 1 ? ` (${manifest.invocations!.length} invocations)` : ''}`,
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
    `# mathcoder evaluation: ${runName(run)}`,
    describeRun(run),
    '## Accuracy (%)',
    table(
      ['dataset', 'problems', 'rows', 'strict', 'mathcoder-compat', "paper's Table 2", 'graders disagree', 'failed (redone on resume)'],
      metrics.map((m) => [m.dataset, String(m.problems), String(m.rows), ...accuracyCells(m), paperCell(m), String(m.graderDisagreements), String(m.failed)]),
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
 * One JSON object per dataset: `run` (the run's name), `dir`, `model`, `dataset`, `rows`, `accuracy` keyed by
 * grader, `paperAccuracy` and every other metric (with `shards` for merged shards); then, with several model
 * servers, one object per `server`. Every accuracy, rate and share is a fraction in [0, 1].
 */
export function jsonReport(report: RunReport): string {
  const { run } = report;
  const about = { run: runName(run), dir: run.dir, model: run.manifest.model.name };
  const shards = run.shards ? { shards: { count: run.shards.count, merged: run.shards.shards.map((shard) => shard.index), missing: run.shards.missing, incomplete: run.shards.incomplete } } : {};
  const datasets = report.metrics.map((m) => JSON.stringify({ ...about, ...m, ...shards }));
  const servers = serverMetrics(run.manifest.servers ?? []).map(({ url, ...metrics }) => JSON.stringify({ ...about, server: url, ...metrics }));
  return [...datasets, ...servers].join('\n') + '\n';
}

/** Sampling columns of the CSV (after the accuracy columns): pass@1 ± standard error, no-answer rate, pass@n and maj@n. */
const CSV_SAMPLING_HEADER = ['samples', 'pass1', 'pass1_standard_error', 'no_answer', 'pass_at_samples', 'maj_at_samples'] as const;

/** The CSV columns: accuracies and rates are fractions in [0, 1], as in the JSON report. */
export const CSV_COLUMNS = ['run', 'model', 'dataset', 'problems', 'rows', 'failed', ...GRADER_NAMES.map((name) => `accuracy_${name}`), 'paper_accuracy', ...CSV_SAMPLING_HEADER] as const;

export function csvReport(reports: readonly RunReport[]): string {
  const quote = (value: string) => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  const fraction = (value: number) => value.toFixed(4);
  const optional = (value: number | null | undefined) => (value === null || value === undefined ? '' : fraction(value));
  const lines = reports.flatMap((report) =>
    report.metrics.map((m) =>
      [
        runName(report.run),
        report.run.manifest.model.name,
        m.dataset,
        String(m.problems),
        String(m.rows),
        String(m.failed),
        ...GRADER_NAMES.map((name) => fraction(m.accuracy[name])),
        m.paperAccuracy === null ? '' : fraction(m.paperAccuracy),
        String(m.samples),
        optional(m.pass1?.mean),
        optional(m.pass1?.standardError),
        optional(m.noAnswer),
        optional(m.passAtK[m.samples]),
        optional(m.majAtK[m.samples]),
      ]
        .map(quote)
        .join(','),
    ),
  );
  return [CSV_COLUMNS.join(','), ...lines].join('\n') + '\n';
}

/** The letter that stands for the i-th run in side-by-side tables. */
const letter = (index: number) => String.fromCharCode(65 + (index % 26)) + (index >= 26 ? String(Math.floor(index / 26)) : '');

/**
 * Several runs in one report, side by side: one accuracy table with each run's columns next to the others',
 * their stop reasons, rounds and cost per problem, and (for two runs) the problems whose verdict flipped.
 */
export function markdownSideBySide(reports: readonly RunReport[], changed: readonly Flip[] | null = null, shown = 50): string {
  const datasets = [...new Set(reports.flatMap((report) => report.metrics.map((m) => m.dataset)))];
  const find = (report: RunReport, dataset: string) => report.metrics.find((m) => m.dataset === dataset);
  const perRun = (cells: (m: DatasetMetrics) => readonly string[], width: number) => (dataset: string) =>
    reports.flatMap((report) => {
      const m = find(report, dataset);
      return m ? cells(m) : Array.from({ length: width }, () => '–');
    });
  const letters = reports.map((_, index) => letter(index));
  const accuracy = perRun((m) => [String(m.rows), percent(m.accuracy.strict), percent(m.accuracy['mathcoder-compat']), paperCell(m)], 4);
  const behaviour = perRun((m) => [m.rounds.mean.toFixed(2), `${percent(m.executions.errorShare)}%`, m.tokens.generatedPerProblem.toFixed(0), m.secondsPerProblem.toFixed(2)], 4);
  const reasons = [...new Set(reports.flatMap((report) => report.metrics.flatMap((m) => Object.keys(m.stopReasons))))];
  const sections = [
    `# mathcoder evaluation: ${reports.map((report) => runName(report.run)).join(' vs ')}`,
    reports.map((report, index) => `- ${letters[index]}: **${runName(report.run)}**, model ${report.run.manifest.model.name} (${report.run.manifest.model.backend}), ${report.run.rows.length} rows`).join('\n'),
    '## Accuracy (%)',
    table(['dataset', ...letters.flatMap((name) => [`${name} rows`, `${name} strict`, `${name} compat`, `${name} paper`])], datasets.map((dataset) => [dataset, ...accuracy(dataset)])),
    "`strict` is the careful grader, `compat` what MathCoder's released evaluate.py does, `paper` the paper's Table 2 for the run's model.",
    '## Rounds, code errors and cost per problem',
    table(['dataset', ...letters.flatMap((name) => [`${name} rounds`, `${name} cell errors`, `${name} tokens`, `${name} seconds`])], datasets.map((dataset) => [dataset, ...behaviour(dataset)])),
    '## Stop reasons',
    table(
      ['dataset', 'run', ...reasons],
      datasets.flatMap((dataset) => reports.flatMap((report, index) => {
        const m = find(report, dataset);
        return m ? [[dataset, letters[index]!, ...reasons.map((reason) => String(m.stopReasons[reason] ?? 0))]] : [];
      })),
    ),
  ];
  if (changed !== null) {
    sections.push(
      `## Problems that flipped (strict grader, sample 0): ${changed.length}`,
      table(
        ['dataset', 'A→B right to wrong', 'A→B wrong to right'],
        datasets.map((dataset) => [
          dataset,
          String(changed.filter((flip) => flip.dataset === dataset && flip.before && !flip.after).length),
          String(changed.filter((flip) => flip.dataset === dataset && !flip.before && flip.after).length),
        ]),
      ),
    );
    if (changed.length > 0) {
      sections.push(
        table(
          ['problem', 'A', 'B', 'A answer', 'B answer', 'reference'],
          changed.slice(0, shown).map((flip) => [flip.id, flip.before ? 'right' : 'wrong', flip.after ? 'right' : 'wrong', flip.answerBefore, flip.answerAfter, flip.reference]),
        ),
      );
    }
    if (changed.length > shown) sections.push(`… and ${changed.length - shown} more (use --format json for all).`);
  }
  return sections.join('\n\n') + '\n';
}
