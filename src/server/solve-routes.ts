import type { Context, Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { errorMessage } from '../errors.js';
import { solveRecord } from '../solve/index.js';
import { ApiError } from './api-error.js';
import type { ExecuteResult, SolveEventName } from './api-types.js';
import { parseExecuteBody, parseSolveBody } from './request-bodies.js';
import type { SolveService } from './solve-service.js';

async function jsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') throw new ApiError(400, 'bad-request', `${c.req.method} ${c.req.path}: the body is empty; send a JSON object`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError(400, 'bad-request', `${c.req.method} ${c.req.path}: the body is not valid JSON`);
  }
}

/** Whether the client asked for server-sent events (`"stream": true`, or Accept: text/event-stream). */
function wantsStream(c: Context, stream: boolean): boolean {
  return stream || (c.req.header('accept') ?? '').includes('text/event-stream');
}

/**
 * POST /v1/solve: the trajectory as JSON when the solve ends, or streamed block by block as server-sent events
 * (`queued`, `start`, `block-start`, `block-text`, `block-end`, `round-end`, then `result` or `error`).
 * POST /v1/execute: an edited code cell run after the cells before it.
 * Both are refused with 429 when their queue is full, and cancelled when the client goes away.
 */
export function addSolveRoutes(app: Hono, service: SolveService): void {
  app.post('/v1/solve', async (c) => {
    const request = parseSolveBody(await jsonBody(c), service.cellTimeoutMs);
    const signal = c.req.raw.signal;
    const ticket = service.admitSolve(signal);
    if (!wantsStream(c, request.stream)) {
      const result = await service.solve(request, ticket, signal);
      return c.json(solveRecord(result));
    }
    return streamSSE(c, async (stream) => {
      const cancel = new AbortController();
      stream.onAbort(() => cancel.abort(new Error('the client closed the stream')));
      const streamSignal = AbortSignal.any([signal, cancel.signal]);
      const send = (event: SolveEventName, data: unknown) => stream.writeSSE({ event, data: JSON.stringify(data) }).catch(() => cancel.abort());
      try {
        if (ticket.position > 0) await send('queued', { position: ticket.position });
        await ticket.ready;
        const model = service.model!;
        await send('start', { model: model.name, backend: model.backend });
        const result = await service.solve(request, ticket, streamSignal, (event) => void send(event.type, event));
        if (!streamSignal.aborted) await send('result', solveRecord(result));
      } catch (error) {
        ticket.release();
        if (!streamSignal.aborted) await send('error', { error: { code: 'solve-failed', message: errorMessage(error) } });
      }
    });
  });

  app.post('/v1/execute', async (c) => {
    const request = parseExecuteBody(await jsonBody(c));
    const signal = c.req.raw.signal;
    const ticket = service.admitExecute(signal);
    return c.json<ExecuteResult>(await service.execute(request, ticket, signal));
  });
}
