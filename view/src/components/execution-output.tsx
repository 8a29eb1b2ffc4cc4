import type { ExecutionRecord } from '../../../src/solve/types.js';

const EMPTY_EXECUTION = '<empty_execution>';
/** Lines of a Python error: the traceback header, the exception line, IPython's rulers and cell markers. */
const ERROR_LINE = /^\s*(Traceback \(most recent call last\)|-{10,}|Cell In\s*\[|[A-Za-z_][\w.]*(Error|Exception|Interrupt|Exit)\b)/;

/** What a code cell printed, in a terminal-like box; a cell that raised, timed out or was killed is marked. */
export function ExecutionOutput({ content, execution, label = 'output' }: { content: string; execution?: ExecutionRecord | undefined; label?: string }) {
  const status = execution?.status ?? 'ok';
  const failed = status !== 'ok';
  const empty = content.trim() === EMPTY_EXECUTION || content.trim() === '';
  return (
    <figure class={`terminal${failed ? ' terminal-failed' : ''}`} data-testid="block-execution" data-status={status}>
      <figcaption>
        <span>{label}</span>
        {execution && <span class="muted">In [{execution.executionCount}]</span>}
        {failed && <span class={`status status-${status}`}>{status}</span>}
        {execution?.truncated && <span class="status status-note">output cut</span>}
        {execution?.stateLost && <span class="status status-note">session restarted: variables lost</span>}
      </figcaption>
      <pre>
        {empty ? (
          <span class="muted">(no output)</span>
        ) : (
          content.split('\n').map((line, index) => (
            <span key={index} class={failed && ERROR_LINE.test(line) ? 'error-line' : undefined}>
              {line}
              {'\n'}
            </span>
          ))
        )}
      </pre>
    </figure>
  );
}
