import { useMemo } from 'preact/hooks';
import { Link } from 'wouter-preact';
import { segment, useApi, type DatasetMetrics, type RunDetail, type ServerMetrics, type ShardSet } from '../api';
import { AccuracyTable } from '../components/accuracy-table';
import { BarChart, type BarSeries } from '../components/bar-chart';
import { dateTime, percent } from '../format';

const STRICT_COLOR = '#3465d8';
const COMPAT_COLOR = '#e39032';
const COUNT_COLOR = '#607489';

function accuracySeries(groups: DatasetMetrics['byLevel']): BarSeries[] {
  const values = Object.values(groups);
  return [
    { label: 'strict', values: values.map((group) => group.accuracy.strict * 100), color: STRICT_COLOR },
    { label: 'mathcoder-compat', values: values.map((group) => group.accuracy['mathcoder-compat'] * 100), color: COMPAT_COLOR },
  ];
}

/** Rows per number of rounds, every count from 1 to the largest (a count no problem took is a 0 bar, not left out). */
function roundBins(histogram: Readonly<Record<string, number>>): { labels: string[]; values: number[] } {
  const counts = Object.keys(histogram).map(Number);
  const largest = Math.max(0, ...counts);
  const smallest = Math.min(1, ...counts);
  const labels: string[] = [];
  const values: number[] = [];
  for (let rounds = smallest; rounds <= largest; rounds += 1) {
    labels.push(String(rounds));
    values.push(histogram[String(rounds)] ?? 0);
  }
  return { labels, values };
}

/** Charts of one dataset: MATH by level and subject, stop reasons, rounds. */
function DatasetSection({ runId, metrics }: { runId: string; metrics: DatasetMetrics }) {
  const charts = useMemo(() => {
    const rounds = roundBins(metrics.rounds.histogram);
    return {
      levels: Object.keys(metrics.byLevel),
      levelSeries: accuracySeries(metrics.byLevel),
      subjects: Object.keys(metrics.bySubject),
      subjectSeries: accuracySeries(metrics.bySubject),
      stopReasons: Object.keys(metrics.stopReasons),
      stopSeries: [{ label: 'rows', values: Object.values(metrics.stopReasons), color: COUNT_COLOR }],
      rounds: rounds.labels,
      roundSeries: [{ label: 'rows', values: rounds.values, color: COUNT_COLOR }],
    };
  }, [metrics]);
  const problems = (query: string) => `/runs/${segment(runId)}/problems?dataset=${segment(metrics.dataset)}${query}`;
  const wrong = metrics.rows - metrics.correct.strict;
  const sampling = Object.keys(metrics.passAtK);
  return (
    <section class="dataset" data-testid={`dataset-${metrics.dataset}`}>
      <h3>{metrics.dataset}</h3>
      <p>
        <Link href={problems('')}>all {metrics.rows} rows</Link> · <Link href={problems('&correct=false')}>{wrong} wrong</Link> ·{' '}
        <Link href={problems('&disagree=true')}>{metrics.graderDisagreements} where the graders disagree</Link>
      </p>
      <div class="stats">
        <div>
          <span class="muted">code cells</span> {metrics.executions.cells} ({percent(metrics.executions.errorShare)} raised, {percent(metrics.executions.timeoutShare)} timed out)
        </div>
        <div>
          <span class="muted">rounds per problem</span> {metrics.rounds.mean.toFixed(2)}
        </div>
        <div>
          <span class="muted">tokens per problem</span> {Math.round(metrics.tokens.generatedPerProblem)} generated
          {metrics.tokens.evaluatedPerProblem !== null && `, ${Math.round(metrics.tokens.evaluatedPerProblem)} evaluated`}
        </div>
        <div>
          <span class="muted">time per problem</span> {metrics.secondsPerProblem.toFixed(2)} s
        </div>
        {sampling.length > 0 && (
          <div>
            <span class="muted">{metrics.samples} samples</span> {sampling.map((k) => `pass@${k} ${percent(metrics.passAtK[k]!)}, maj@${k} ${percent(metrics.majAtK[k] ?? 0)}`).join('; ')}
            {metrics.allAgree !== null && `; all agree ${percent(metrics.allAgree)}`}
          </div>
        )}
        {metrics.pass1 && (
          <div data-testid="pass1">
            <span class="muted">pass@1{metrics.samples > 1 ? ` (mean of ${metrics.samples} samples)` : ''}</span> {percent(metrics.pass1.mean)}
            {metrics.pass1.standardError !== null && ` ± ${percent(metrics.pass1.standardError)}`} over {metrics.pass1.problems} problems
          </div>
        )}
        <div>
          <span class="muted">no answer</span> {percent(metrics.noAnswer)} of rows
        </div>
      </div>
      <div class="charts">
        {charts.levels.length > 0 && <BarChart title={`${metrics.dataset} accuracy by level`} labels={charts.levels} series={charts.levelSeries} percent testId="chart-level" />}
        {charts.subjects.length > 0 && (
          <BarChart title={`${metrics.dataset} accuracy by subject`} labels={charts.subjects} series={charts.subjectSeries} percent horizontal testId="chart-subject" />
        )}
        <BarChart title="stop reasons" labels={charts.stopReasons} series={charts.stopSeries} horizontal testId="chart-stop-reasons" />
        <BarChart title="rounds (generation calls) per problem" labels={charts.rounds} series={charts.roundSeries} testId="chart-rounds" />
      </div>
    </section>
  );
}

/** The shards merged into the run, and those missing or not finished. */
function ShardLine({ shards }: { shards: ShardSet }) {
  const unfinished = shards.shards.filter((shard) => !shard.complete);
  return (
    <p data-testid="shards">
      {shards.shards.length} of {shards.count} shards merged
      {shards.missing.length > 0 && <span class="error"> · missing: {shards.missing.map((index) => `${index}/${shards.count}`).join(', ')}</span>}
      {unfinished.length > 0 && (
        <span class="error">
          {' '}
          · not finished: {unfinished.map((shard) => `${shard.index}/${shards.count} (${shard.rows} of ${shard.expected} rows)`).join(', ')}
        </span>
      )}
    </p>
  );
}

/** What each model server did, when the run used several. */
function ServerTable({ servers }: { servers: readonly ServerMetrics[] }) {
  return (
    <section data-testid="servers">
      <h3>Model servers</h3>
      <table>
        <thead>
          <tr>
            <th>server</th>
            <th>requests</th>
            <th>failed (moved)</th>
            <th>out of rotation</th>
            <th>generated tokens</th>
            <th>tokens/s</th>
            <th>state</th>
          </tr>
        </thead>
        <tbody>
          {servers.map((server) => (
            <tr key={server.url}>
              <td>{server.url}</td>
              <td>
                {server.requests} ({percent(server.requestShare)})
              </td>
              <td>{server.failures}</td>
              <td>{server.timesTakenOut}</td>
              <td>{server.generatedTokens}</td>
              <td>{server.tokensPerSecond.toFixed(1)}</td>
              <td>{server.state}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** One run: what produced it, accuracy against the paper, and charts per dataset. */
export function RunPage({ params }: { params: { run: string } }) {
  const runId = decodeURIComponent(params.run);
  const { data, error } = useApi<RunDetail>(`/v1/runs/${segment(runId)}`);
  if (error) return <p class="error">{error}</p>;
  if (!data) return <p aria-busy="true">Loading the run…</p>;
  const { manifest } = data;
  const solve = manifest.config.solve;
  return (
    <section>
      <hgroup>
        <h2 data-testid="run-title">{data.id}</h2>
        <p>
          <strong>{manifest.model.name}</strong> ({manifest.model.backend}) · {solve.syntax} syntax, up to {solve.maxRounds} rounds of {solve.maxTokensPerBlock} tokens ·{' '}
          {manifest.config.samples} sample(s), temperature {manifest.config.sampling.temperature} · written {dateTime(manifest.updatedAt)}
        </p>
      </hgroup>
      <p class="muted small">
        {data.dir} · mathcoder {manifest.versions.mathcoder}
        {manifest.git ? ` (${manifest.git.slice(0, 10)})` : ''}, Python {manifest.versions.python.python}, sympy {manifest.versions.python.sympy}, sandbox {manifest.sandbox.method}
        {data.tornBytes > 0 && ` · a torn last line (${data.tornBytes} bytes) is left out until the run is resumed`}
      </p>
      <p>
        <Link href={`/runs/${segment(data.id)}/problems`} role="button" class="secondary">
          Browse the {data.rows} problems
        </Link>
      </p>
      {data.shards && <ShardLine shards={data.shards} />}
      <AccuracyTable runId={data.id} metrics={data.metrics} />
      {data.servers.length > 0 && <ServerTable servers={data.servers} />}
      {data.metrics.map((metrics) => (
        <DatasetSection key={metrics.dataset} runId={data.id} metrics={metrics} />
      ))}
    </section>
  );
}
