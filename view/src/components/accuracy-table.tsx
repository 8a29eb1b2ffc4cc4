import { Link } from 'wouter-preact';
import { segment, type DatasetMetrics } from '../api';
import { GRADERS, percent } from '../format';

/** Accuracy per dataset with both graders, next to the paper's Table 2. */
export function AccuracyTable({ runId, metrics }: { runId: string; metrics: readonly DatasetMetrics[] }) {
  const problems = (query: string) => `/runs/${segment(runId)}/problems?${query}`;
  return (
    <table class="accuracy" data-testid="accuracy-table">
      <thead>
        <tr>
          <th>dataset</th>
          <th>rows</th>
          <th>strict</th>
          <th>mathcoder-compat</th>
          <th>paper (Table 2)</th>
          <th>strict − paper</th>
          <th>graders disagree</th>
          <th>failed</th>
        </tr>
      </thead>
      <tbody>
        {metrics.map((item) => (
          <tr key={item.dataset}>
            <td>
              <Link href={problems(`dataset=${segment(item.dataset)}`)}>{item.dataset}</Link>
            </td>
            <td>{item.rows}</td>
            {GRADERS.map((grader) => (
              <td key={grader} data-testid={`accuracy-${item.dataset}-${grader}`}>
                <strong>{percent(item.accuracy[grader])}</strong> <span class="muted">({item.correct[grader]})</span>
              </td>
            ))}
            <td data-testid={`paper-${item.dataset}`}>{item.paperAccuracy === null ? '—' : percent(item.paperAccuracy)}</td>
            <td>{item.paperAccuracy === null ? '—' : `${(100 * (item.accuracy.strict - item.paperAccuracy)).toFixed(1)} pts`}</td>
            <td>
              <Link href={problems(`dataset=${segment(item.dataset)}&disagree=true`)}>{item.graderDisagreements}</Link>
            </td>
            <td>{item.failed}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
