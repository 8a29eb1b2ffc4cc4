import { Link } from 'wouter-preact';
import { segment, useApi, type RunListItem } from '../api';
import { dateTime, percent } from '../format';

/** Every run the server shows, with its accuracy per dataset next to the paper's. */
export function RunListPage() {
  const { data, error } = useApi<{ runs: RunListItem[] }>('/v1/runs');
  if (error) return <p class="error">{error}</p>;
  if (!data) return <p aria-busy="true">Loading runs…</p>;
  if (data.runs.length === 0) {
    return (
      <article>
        <h2>No runs</h2>
        <p>
          Start the viewer with run folders: <code>mathcoder view RUN_DIR…</code> (a run folder is what <code>mathcoder eval --out RUN_DIR</code> writes).
        </p>
      </article>
    );
  }
  return (
    <section>
      <h2>Runs</h2>
      <table class="striped" data-testid="run-list">
        <thead>
          <tr>
            <th>run</th>
            <th>model</th>
            <th>accuracy: strict / mathcoder-compat (paper)</th>
            <th>rows</th>
            <th>last written</th>
          </tr>
        </thead>
        <tbody>
          {data.runs.map((run) => (
            <tr key={run.id}>
              <td>
                <Link href={`/runs/${segment(run.id)}`}>{run.id}</Link>
                <div class="muted small">{run.dir}</div>
              </td>
              <td>
                {run.model ?? '—'} <span class="muted">{run.backend}</span>
              </td>
              <td>
                {run.error ? (
                  <span class="error">{run.error}</span>
                ) : (
                  run.datasets.map((dataset) => (
                    <div key={dataset.dataset}>
                      <strong>{dataset.dataset}</strong> {percent(dataset.accuracy.strict)} / {percent(dataset.accuracy['mathcoder-compat'])}
                      {dataset.paperAccuracy !== null && <span class="muted"> (paper {percent(dataset.paperAccuracy)})</span>}
                    </div>
                  ))
                )}
              </td>
              <td>{run.rows}</td>
              <td>{dateTime(run.updatedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
