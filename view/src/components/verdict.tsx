/** A grader's verdict as a small badge. */
export function Verdict({ correct, label }: { correct: boolean; label?: string }) {
  return (
    <span class={`verdict ${correct ? 'verdict-right' : 'verdict-wrong'}`} data-correct={String(correct)}>
      {correct ? '✓' : '✗'}
      {label ? ` ${label}` : ''}
    </span>
  );
}
