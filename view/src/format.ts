/** Accuracy (a fraction) as a percentage with one decimal. */
export function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

export function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function dateTime(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString() : '—';
}

/** The two graders every row is graded by, in the order the pages show them. */
export const GRADERS = ['strict', 'mathcoder-compat'] as const;
