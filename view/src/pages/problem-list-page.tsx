import { useEffect, useState } from 'preact/hooks';
import { Link, useLocation, useSearch } from 'wouter-preact';
import { segment, useApi, type ProblemPage, type RunDetail } from '../api';
import { MathText } from '../components/math-text';
import { hasAnswer } from '../answers';
import { MathAnswer, NoAnswer } from '../components/math-answer';
import { Verdict } from '../components/verdict';
import { filterQuery, withParam } from '../filters';
import { GRADERS } from '../format';

const PAGE_SIZE = 50;

function Select({ label, value, options, onChange, testId }: { label: string; value: string; options: ReadonlyArray<readonly [string, string]>; onChange: (value: string) => void; testId: string }) {
  return (
    <label>
      {label}
      <select value={value} onChange={(event) => onChange(event.currentTarget.value)} data-testid={testId}>
        {options.map(([optionValue, text]) => (
          <option key={optionValue} value={optionValue}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A run's problems: filters (verdict, grader disagreement, stop reason, subject, level, text) and paging, all in the URL. */
export function ProblemListPage({ params }: { params: { run: string } }) {
  const runId = decodeURIComponent(params.run);
  const search = useSearch();
  const [, navigate] = useLocation();
  const query = new URLSearchParams(search);
  const run = useApi<RunDetail>(`/v1/runs/${segment(runId)}`);
  const offset = Number(query.get('offset') ?? 0);
  const apiQuery = new URLSearchParams(search);
  apiQuery.set('limit', String(PAGE_SIZE));
  const page = useApi<ProblemPage>(`/v1/runs/${segment(runId)}/problems?${apiQuery.toString()}`);
  const [text, setText] = useState(query.get('q') ?? '');
  const base = `/runs/${segment(runId)}/problems`;
  const set = (key: string, value: string) => navigate(`${base}${withParam(search, key, value)}`, { replace: true });

  useEffect(() => {
    if (text === (query.get('q') ?? '')) return;
    const timer = setTimeout(() => set('q', text), 200);
    return () => clearTimeout(timer);
  }, [text]);

  const facets = run.data?.facets;
  const filters = filterQuery(search);
  return (
    <section>
      <nav aria-label="breadcrumb">
        <ul>
          <li>
            <Link href="/">runs</Link>
          </li>
          <li>
            <Link href={`/runs/${segment(runId)}`}>{runId}</Link>
          </li>
          <li>problems</li>
        </ul>
      </nav>
      <form class="filters" onSubmit={(event) => event.preventDefault()}>
        {facets && facets.datasets.length > 1 && (
          <Select label="dataset" value={query.get('dataset') ?? ''} options={[['', 'all'], ...facets.datasets.map((name) => [name, name] as const)]} onChange={(value) => set('dataset', value)} testId="filter-dataset" />
        )}
        <Select label="verdict" value={query.get('correct') ?? ''} options={[['', 'all'], ['true', 'correct'], ['false', 'wrong']]} onChange={(value) => set('correct', value)} testId="filter-correct" />
        <Select label="grader" value={query.get('grader') ?? 'strict'} options={GRADERS.map((name) => [name, name] as const)} onChange={(value) => set('grader', value === 'strict' ? '' : value)} testId="filter-grader" />
        <Select label="graders" value={query.get('disagree') ?? ''} options={[['', 'all'], ['true', 'disagree'], ['false', 'agree']]} onChange={(value) => set('disagree', value)} testId="filter-disagree" />
        <Select label="stop reason" value={query.get('stop_reason') ?? ''} options={[['', 'all'], ...(facets?.stopReasons ?? []).map((name) => [name, name] as const)]} onChange={(value) => set('stop_reason', value)} testId="filter-stop-reason" />
        {facets && facets.subjects.length > 0 && (
          <Select label="subject" value={query.get('subject') ?? ''} options={[['', 'all'], ...facets.subjects.map((name) => [name, name] as const)]} onChange={(value) => set('subject', value)} testId="filter-subject" />
        )}
        {facets && facets.levels.length > 0 && (
          <Select label="level" value={query.get('level') ?? ''} options={[['', 'all'], ...facets.levels.map((level) => [String(level), `Level ${level}`] as const)]} onChange={(value) => set('level', value)} testId="filter-level" />
        )}
        <label class="search">
          search
          <input type="search" placeholder="question, id, answer…" value={text} onInput={(event) => setText(event.currentTarget.value)} data-testid="filter-search" />
        </label>
      </form>
      {page.error && <p class="error">{page.error}</p>}
      {page.data && (
        <>
          <p data-testid="problem-count" data-total={page.data.total} aria-busy={page.loading ? 'true' : 'false'}>
            <strong>{page.data.total}</strong> problem{page.data.total === 1 ? '' : 's'}
            {page.data.total > 0 && (
              <span class="muted">
                {' '}
                · showing {offset + 1}–{Math.min(offset + PAGE_SIZE, page.data.total)}
              </span>
            )}
          </p>
          <table class="striped problems" data-testid="problem-table">
            <thead>
              <tr>
                <th>problem</th>
                <th>question</th>
                <th>answer</th>
                <th>reference</th>
                <th>strict</th>
                <th>compat</th>
                <th>stop</th>
                <th>rounds</th>
              </tr>
            </thead>
            <tbody>
              {page.data.items.map((item) => (
                <tr key={item.key} data-key={item.key}>
                  <td class="nowrap">
                    <Link href={`${base}/${segment(item.key)}${filters}`}>{item.id}</Link>
                    {item.sample > 0 && <span class="muted"> #{item.sample}</span>}
                    {item.level !== null && <div class="muted small">Level {item.level}</div>}
                    {item.subject !== null && <div class="muted small">{item.subject}</div>}
                  </td>
                  <td class="question-cell">
                    <MathText text={item.question} />
                  </td>
                  <td>{hasAnswer(item.stopReason, item.lastBlock) ? <MathAnswer text={item.answers.strict} /> : <NoAnswer stopReason={item.stopReason} />}</td>
                  <td>
                    <MathAnswer text={item.reference} />
                  </td>
                  <td>
                    <Verdict correct={item.correct.strict} />
                  </td>
                  <td>
                    <Verdict correct={item.correct['mathcoder-compat']} />
                  </td>
                  <td class="small">
                    {item.stopReason}
                    {item.failedCells > 0 && <div class="error small">{item.failedCells} failed cell(s)</div>}
                  </td>
                  <td>{item.rounds}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div class="pager">
            <button class="secondary" disabled={offset === 0} onClick={() => set('offset', String(Math.max(0, offset - PAGE_SIZE)))} data-testid="page-previous">
              ← previous
            </button>
            <span>
              page {Math.floor(offset / PAGE_SIZE) + 1} of {Math.max(1, Math.ceil(page.data.total / PAGE_SIZE))}
            </span>
            <button class="secondary" disabled={offset + PAGE_SIZE >= page.data.total} onClick={() => set('offset', String(offset + PAGE_SIZE))} data-testid="page-next">
              next →
            </button>
          </div>
        </>
      )}
      {!page.data && !page.error && <p aria-busy="true">Loading problems…</p>}
    </section>
  );
}
