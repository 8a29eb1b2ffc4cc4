import { useRef, useState } from 'preact/hooks';
import { postJson, useApi, type ExecuteResult, type HealthInfo, type TrajectoryBlock } from '../api';
import { ExecutionOutput } from '../components/execution-output';
import { TrajectoryView, type ShownBlock } from '../components/trajectory-view';
import { seconds } from '../format';
import { streamSolve } from '../solve-stream';

type Status = 'idle' | 'queued' | 'streaming' | 'done' | 'stopped' | 'error';

interface SolveRecord {
  readonly answer: string | null;
  readonly stop_reason: string;
  readonly error: string | null;
  readonly blocks: readonly TrajectoryBlock[];
  readonly rounds: number;
  readonly tokens: { readonly generated: number };
  readonly timings: { readonly totalMs: number };
}

interface CellEdit {
  readonly code: string;
  readonly running: boolean;
  readonly result: ExecuteResult | null;
  readonly error: string | null;
}

/** A live solve: blocks as they stream (`block-start`/`block-text`), replaced by the finished ones (`block-end`). */
function applyEvent(blocks: ShownBlock[], event: string, data: Record<string, unknown>): ShownBlock[] {
  if (event === 'block-start') return [...blocks, { type: data.blockType as ShownBlock['type'], content: '', open: true }];
  if (event === 'block-text') {
    const last = blocks[blocks.length - 1];
    if (!last || !last.open) return [...blocks, { type: data.blockType as ShownBlock['type'], content: data.delta as string, open: true }];
    return [...blocks.slice(0, -1), { ...last, content: last.content + (data.delta as string) }];
  }
  if (event === 'block-end') {
    const block = data.block as TrajectoryBlock;
    const index = blocks.findIndex((shown) => shown.open);
    if (index < 0) return [...blocks, block];
    return [...blocks.slice(0, index), block, ...blocks.slice(index + 1)];
  }
  return blocks;
}

/** Type a problem, watch the model solve it live, then edit a code cell and run it again. */
export function PlaygroundPage() {
  const health = useApi<HealthInfo>('/health');
  const [question, setQuestion] = useState('');
  const [maxRounds, setMaxRounds] = useState(16);
  const [temperature, setTemperature] = useState(0);
  const [status, setStatus] = useState<Status>('idle');
  const [message, setMessage] = useState<string | null>(null);
  const [blocks, setBlocks] = useState<ShownBlock[]>([]);
  const [events, setEvents] = useState(0);
  const [result, setResult] = useState<SolveRecord | null>(null);
  const [edits, setEdits] = useState<Record<number, CellEdit>>({});
  const controller = useRef<AbortController | null>(null);

  const solve = async () => {
    controller.current?.abort();
    const abort = new AbortController();
    controller.current = abort;
    setBlocks([]);
    setEvents(0);
    setResult(null);
    setEdits({});
    setMessage(null);
    setStatus('streaming');
    try {
      for await (const { event, data } of streamSolve({ question, max_rounds: maxRounds, temperature }, abort.signal)) {
        setEvents((count) => count + 1);
        const payload = data as Record<string, unknown>;
        if (event === 'queued') {
          setStatus('queued');
          setMessage(`waiting for a free slot (${String(payload.position)} ahead)`);
        } else if (event === 'start') {
          setStatus('streaming');
          setMessage(`${String(payload.model)} (${String(payload.backend)}) is writing…`);
        } else if (event === 'result') {
          const record = data as SolveRecord;
          setResult(record);
          setBlocks([...record.blocks]);
          setStatus('done');
          setMessage(null);
        } else if (event === 'error') {
          setStatus('error');
          setMessage((payload.error as { message: string }).message);
        } else {
          setBlocks((current) => applyEvent(current, event, payload));
        }
      }
    } catch (error) {
      if (abort.signal.aborted) {
        setStatus('stopped');
        setMessage('stopped: the solve was cancelled on the server');
      } else {
        setStatus('error');
        setMessage((error as Error).message);
      }
    }
  };

  const stop = () => controller.current?.abort();

  const runEdited = async (index: number) => {
    const edit = edits[index]!;
    const setup = blocks.slice(0, index).filter((block) => block.type === 'code').map((block) => block.content);
    setEdits((current) => ({ ...current, [index]: { ...edit, running: true, error: null } }));
    try {
      const output = await postJson<ExecuteResult>('/v1/execute', { code: edit.code, setup });
      setEdits((current) => ({ ...current, [index]: { ...edit, running: false, result: output, error: null } }));
    } catch (error) {
      setEdits((current) => ({ ...current, [index]: { ...edit, running: false, result: null, error: (error as Error).message } }));
    }
  };

  const cellTools = (index: number) => {
    const block = blocks[index];
    if (status !== 'done' || block?.type !== 'code') return null;
    const edit = edits[index];
    if (!edit) {
      return (
        <button class="outline small-button" onClick={() => setEdits((current) => ({ ...current, [index]: { code: block.content.replace(/\r\n/g, '\n'), running: false, result: null, error: null } }))} data-testid={`edit-code-${index}`}>
          edit and re-run this cell
        </button>
      );
    }
    return (
      <div class="cell-editor">
        <textarea rows={Math.min(16, edit.code.split('\n').length + 1)} value={edit.code} spellcheck={false} onInput={(event) => setEdits((current) => ({ ...current, [index]: { ...edit, code: event.currentTarget.value } }))} data-testid={`code-editor-${index}`} />
        <button onClick={() => void runEdited(index)} aria-busy={edit.running ? 'true' : 'false'} disabled={edit.running} data-testid={`run-code-${index}`}>
          run (after the cells above, in a fresh session)
        </button>
        {edit.error && <p class="error">{edit.error}</p>}
        {edit.result && (
          <div data-testid={`rerun-output-${index}`}>
            <ExecutionOutput content={edit.result.output} execution={edit.result.execution} label={`re-run output · ${seconds(edit.result.durationMs)}`} />
            {edit.result.setup.some((cell) => cell.status !== 'ok') && <p class="error small">an earlier cell failed when it was replayed: {edit.result.setup.map((cell) => cell.status).join(', ')}</p>}
          </div>
        )}
      </div>
    );
  };

  const model = health.data?.model;
  const running = status === 'streaming' || status === 'queued';
  return (
    <section class="playground">
      <h2>Playground</h2>
      {health.data && !model && (
        <p class="notice" data-testid="no-model">
          This server has no model, so it cannot solve. Start it with one: <code>mathcoder view RUN_DIR --model FILE.gguf</code> (or <code>--backend openai-completions --base-url URL</code>).
        </p>
      )}
      {model && (
        <p class="muted">
          model <strong>{model.name}</strong> ({model.backend}, context {model.contextSize} tokens)
        </p>
      )}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!running && question.trim() !== '') void solve();
        }}
      >
        <textarea rows={4} placeholder="A math problem, e.g. What is the sum of the first 100 primes?" value={question} onInput={(event) => setQuestion(event.currentTarget.value)} data-testid="playground-question" />
        <div class="grid options">
          <label>
            max rounds
            <input type="number" min={1} max={64} value={maxRounds} onInput={(event) => setMaxRounds(Number(event.currentTarget.value))} />
          </label>
          <label>
            temperature
            <input type="number" min={0} max={2} step={0.1} value={temperature} onInput={(event) => setTemperature(Number(event.currentTarget.value))} />
          </label>
          <div class="buttons">
            <button type="submit" disabled={!model || running || question.trim() === ''} data-testid="playground-solve">
              Solve
            </button>
            <button type="button" class="secondary" disabled={!running} onClick={stop} data-testid="playground-stop">
              Stop
            </button>
          </div>
        </div>
      </form>
      <p class="solve-status" data-testid="solve-status" data-status={status} data-events={events} aria-busy={running ? 'true' : 'false'}>
        {status === 'idle' ? 'Type a problem and press Solve.' : `${status} · ${events} events received`}
        {message && <span> · {message}</span>}
      </p>
      {result && (
        <article class="answer-panel" data-testid="playground-result">
          answer <code data-testid="playground-answer">{result.answer ?? '—'}</code> · stop: <strong>{result.stop_reason}</strong> · {result.rounds} rounds · {result.tokens.generated} tokens ·{' '}
          {seconds(result.timings.totalMs)}
          {result.error && <span class="error"> · {result.error}</span>}
        </article>
      )}
      <TrajectoryView blocks={blocks} afterBlock={cellTools} />
    </section>
  );
}
