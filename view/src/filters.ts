/** The problem list's filters as they appear in the page's query string (the API takes the same parameters). */
export const FILTER_KEYS = ['dataset', 'correct', 'grader', 'disagree', 'stop_reason', 'subject', 'level', 'q'] as const;

/** The filter part of a query string (no paging), for links from a list to a problem and back. */
export function filterQuery(search: string): string {
  const params = new URLSearchParams(search);
  const kept = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = params.get(key);
    if (value !== null && value !== '') kept.set(key, value);
  }
  const text = kept.toString();
  return text === '' ? '' : `?${text}`;
}

/** `search` with `key` set (or removed when empty); a change of filter goes back to the first page. */
export function withParam(search: string, key: string, value: string): string {
  const params = new URLSearchParams(search);
  if (value === '') params.delete(key);
  else params.set(key, value);
  if (key !== 'offset') params.delete('offset');
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}
