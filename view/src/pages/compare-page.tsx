import { Link, useLocation, useSearch } from 'wouter-preact';
import { segment, useApi, type CompareResult, type ProblemDetail, type RunListItem } from '../api';
import { AnswerPanel } from '../components/answer-panel';
import { MathText } from '../components/math-text';
import { TrajectoryView } from '../components/trajectory-view';
import { MathAnswer } from '../components/math-answer';
import { Verdict } from '../components/verdict';
import { withParam } from '../filters';
import { GRADERS, percent } from '../format';

function Side({ runId, detail }: { runId: string; detail: ProblemDetail }) {
  return (
    <div class="side" data-testid={`side-${runId}`}>
      <h4>
        <Link href={`/runs/${segment(runId)}/problems/${segment(detail.row.key)}`}>{runId}</Link>
      </h4>
      <AnswerPanel row={detail.row} />
      <TrajectoryView blocks={detail.row.blocks} />
    </div>
  );
}

/** The question once, then run A's and run B's trajectories next to each other. */
function SideBySide({ a, b, problemKey }: { a: string; b: string; problemKey: string }) {
  const before = useApi<ProblemDetail>(`/v1/runs/${segment(a)}/problems/${segment(problemKey)}`);
  const after = useApi<ProblemDetail>(`/v1/runs/${segment(b)}/problems/${segment(problemKey)}`);
  const error = before.error ?? after.error;
  if (error) return <p class="error">{error}</p>;
  if (!before.data || !after.data) return <p aria-busy="true">Loading both trajectories…</p>;
  return (
    <section class="side-by-side" data-testid="side-by-side">
      <article class="question">
        <MathText text={before.data.row.question} />
      </article>
      <div class="sides">
        <Side runId={a} detail={before.data} />
        <Side runId={b} detail={after.data} />
      </div>
    </section>
  );
}

function accuracyLine(run: RunListItem): string {
  return run.datasets.map((dataset) => `${dataset.dataset} ${percent(dataset.accuracy.strict)} / ${percent(dataset.accuracy['mathcoder-compat'])}`).join(', ');
}

/** Two runs side by side: the problems whose verdict flipped, and both trajectories of one of them. */
export function ComparePage() {
  const search = useSearch();
  const [, navigate] = useLocation();
  const query = new URLSearchParams(search);
  const a = query.get('a') ?? '';
  const b = query.get('b') ?? '';
  const grader = query.get('grader') ?? 'strict';
  const key = query.get('key');
  const runs = useApi<{ runs: RunListItem[] }>('/v1/runs');
  const comparison = useApi<CompareResult>(a && b ? `/v1/compare?a=${segment(a)}&b=${segment(b)}&grader=${segment(grader)}` : null);
  const set = (name: string, value: string) => navigate(`/compare${withParam(name === 'key' ? search : withParam(search, 'key', ''), name, value)}`);
  const choices = runs.data?.runs ?? [];
  const result = a && b ? comparison.data : null;
  const fixed = result?.flips.filter((flip) => flip.after).length ?? 0;
  if (runs.error) return <p class="error">{runs.error}</p>;
  if (runs.data && choices.length < 2) {
    return (
      <section>
        <h2>Compare two runs</h2>
        <p data-testid="compare-needs-two">
          Comparing needs two runs, and this server shows {choices.length === 0 ? 'none' : <>only one ({choices[0]!.id})</>}. Start the viewer with two run folders, e.g.{' '}
          <code>mathcoder view runs/a runs/b</code>, or with a folder that holds several runs.
        </p>
      </section>
    );
  }
  return (
    <section>
      <h2>Compare two runs</h2>
      <form class="filters" onSubmit={(event) => event.preventDefault()}>
        {(['a', 'b'] as const).map((name) => (
          <label key={name}>
            run {name === 'a' ? 'A (before)' : 'B (after)'}
            <select value={name === 'a' ? a : b} onChange={(event) => set(name, event.currentTarget.value)} data-testid={`compare-${name}`}>
              <option value="">choose a run</option>
              {choices.map((run) => (
                <option key={run.id} value={run.id}>
                  {run.id}
                </option>
              ))}
            </select>
          </label>
        ))}
        <label>
          grader
          <select value={grader} onChange={(event) => set('grader', event.currentTarget.value)}>
            {GRADERS.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
      </form>
      {comparison.error && a && b && <p class="error">{comparison.error}</p>}
      {result && (
        <>
          <p data-testid="compare-summary">
            A: {accuracyLine(result.a)} · B: {accuracyLine(result.b)}
            <br />
            <strong data-testid="flip-count">{result.flips.length}</strong> of {result.common} shared problems flipped ({result.grader} grader): {fixed} wrong → right,{' '}
            {result.flips.length - fixed} right → wrong.
          </p>
          <table class="striped" data-testid="flip-table">
            <thead>
              <tr>
                <th>problem</th>
                <th>reference</th>
                <th>A</th>
                <th>B</th>
              </tr>
            </thead>
            <tbody>
              {result.flips.map((flip) => (
                <tr key={flip.id} class={key === `${flip.id}#0` ? 'selected' : undefined}>
                  <td>
                    <a
                      href="#"
                      onClick={(event) => {
                        event.preventDefault();
                        set('key', `${flip.id}#0`);
                      }}
                    >
                      {flip.id}
                    </a>
                  </td>
                  <td>
                    <MathAnswer text={flip.reference} />
                  </td>
                  <td>
                    <MathAnswer text={flip.answerBefore} /> <Verdict correct={flip.before} />
                  </td>
                  <td>
                    <MathAnswer text={flip.answerAfter} /> <Verdict correct={flip.after} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {result && key && <SideBySide a={result.a.id} b={result.b.id} problemKey={key} />}
    </section>
  );
}

