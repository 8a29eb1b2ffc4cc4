import { authHeaders, type SolveEventName } from './api';

export interface StreamedEvent {
  readonly event: SolveEventName;
  readonly data: unknown;
}

/** Splits a server-sent-event stream into events (`event:` and `data:` lines, a blank line ends one). */
export async function* readEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<StreamedEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const chunk = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of chunk.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length > 0) yield { event: event as SolveEventName, data: JSON.parse(data.join('\n')) as unknown };
    }
  }
}

/** POST /v1/solve as a stream: each event as it arrives. Aborting `signal` closes the stream, which cancels the solve. */
export async function* streamSolve(body: Record<string, unknown>, signal: AbortSignal): AsyncGenerator<StreamedEvent> {
  const response = await fetch('/v1/solve', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...authHeaders() },
    body: JSON.stringify({ ...body, stream: true }),
    signal,
  });
  if (!response.ok || !response.body) {
    const error = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
    throw new Error(error?.error?.message ?? `${response.status} ${response.statusText}`);
  }
  yield* readEvents(response.body);
}
