import { useEffect } from 'preact/hooks';
import { Link, useLocation, useSearch } from 'wouter-preact';
import { segment, useApi, type ProblemDetail } from '../api';
import { AnswerPanel } from '../components/answer-panel';
import { MathText } from '../components/math-text';
import { TrajectoryView } from '../components/trajectory-view';
import { filterQuery } from '../filters';

function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}

/** One problem: the question, the trajectory, the answer against the reference; ← → (or k j) for the neighbours in the list. */
export function ProblemPage({ params }: { params: { run: string; key: string } }) {
  const runId = decodeURIComponent(params.run);
  const key = decodeURIComponent(params.key);
  const filters = filterQuery(useSearch());
  const [, navigate] = useLocation();
  const { data, error } = useApi<ProblemDetail>(`/v1/runs/${segment(runId)}/problems/${segment(key)}${filters}`);
  const listPath = `/runs/${segment(runId)}/problems`;
  const go = (target: string | null) => target !== null && navigate(`${listPath}/${segment(target)}${filters}`);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!data || isTyping(event.target) || event.altKey || event.ctrlKey || event.metaKey) return;
      if (event.key === 'ArrowRight' || event.key === 'j') go(data.next);
      else if (event.key === 'ArrowLeft' || event.key === 'k') go(data.previous);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [data, filters]);

  if (error) return <p class="error">{error}</p>;
  if (!data || data.row.key !== key) return <p aria-busy="true">Loading the problem…</p>;
  const { row } = data;
  return (
    <section class="problem" data-testid="problem-page" data-key={row.key}>
      <nav aria-label="breadcrumb">
        <ul>
          <li>
            <Link href="/">runs</Link>
          </li>
          <li>
            <Link href={`/runs/${segment(runId)}`}>{runId}</Link>
          </li>
          <li>
            <Link href={`${listPath}${filters}`}>problems</Link>
          </li>
          <li>{row.id}</li>
        </ul>
      </nav>
      <div class="problem-nav">
        <button class="secondary" disabled={data.previous === null} onClick={() => go(data.previous)} data-testid="problem-previous" title="previous (← or k)">
          ← previous
        </button>
        <span data-testid="problem-position">{data.position === null ? `not in this filter (${data.total} are)` : `${data.position + 1} of ${data.total}`}</span>
        <button class="secondary" disabled={data.next === null} onClick={() => go(data.next)} data-testid="problem-next" title="next (→ or j)">
          next →
        </button>
      </div>
      <h2 class="problem-title">
        {row.id}
        {row.sample > 0 && <span class="muted"> sample {row.sample}</span>}
        <small class="muted">
          {' '}
          {row.dataset}
          {row.level !== undefined && ` · Level ${row.level}`}
          {row.subject !== undefined && ` · ${row.subject}`}
        </small>
      </h2>
      <article class="question" data-testid="question">
        <MathText text={row.question} />
      </article>
      <AnswerPanel row={row} />
      <h3>Trajectory</h3>
      <TrajectoryView blocks={row.blocks} />
    </section>
  );
}
