import type { CellResult, CellStatus, StreamChunk } from './types.js';

const STATUSES: readonly CellStatus[] = ['ok', 'error', 'timeout'];

/** Thrown by parseCellReply: the session sent a reply of the wrong shape (it is then treated as broken). */
export class MalformedReply extends Error {}

function text(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new MalformedReply(`${what} is not a string`);
  return value;
}

function optionalText(value: unknown, what: string): string | null {
  return value === null || value === undefined ? null : text(value, what);
}

function count(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new MalformedReply(`${what} is not a count`);
  return value;
}

/**
 * A session's `result` message as a CellResult, every field checked: a session runs model-written code that
 * can write anything on its socket, so a reply is data to validate, never to trust.
 */
export function parseCellReply(reply: Record<string, unknown>): CellResult {
  const status = reply.status as CellStatus;
  if (!STATUSES.includes(status)) throw new MalformedReply('status is not ok, error or timeout');
  if (!Array.isArray(reply.streams)) throw new MalformedReply('streams is not a list');
  const streams = reply.streams.map((chunk, index): StreamChunk => {
    if (!Array.isArray(chunk) || chunk.length !== 2) throw new MalformedReply(`stream ${index} is not a [name, text] pair`);
    return { name: chunk[0] === 'stderr' ? 'stderr' : 'stdout', text: text(chunk[1], `stream ${index}`) };
  });
  if (reply.displays !== undefined && !Array.isArray(reply.displays)) throw new MalformedReply('displays is not a list');
  const displays = ((reply.displays as unknown[] | undefined) ?? []).map((display, index) => text(display, `display ${index}`));
  let error: CellResult['error'] = null;
  if (reply.error !== null && reply.error !== undefined) {
    const raw = reply.error as Record<string, unknown>;
    if (typeof raw !== 'object' || !Array.isArray(raw.traceback)) throw new MalformedReply('error is not {name, value, traceback}');
    error = {
      name: text(raw.name, 'error name'),
      value: text(raw.value, 'error value'),
      traceback: raw.traceback.map((part, index) => text(part, `traceback part ${index}`)),
    };
  }
  return {
    status,
    executionCount: count(reply.executionCount, 'executionCount'),
    streams,
    result: optionalText(reply.result, 'result'),
    displays,
    error,
    truncated: reply.truncated === true,
    outputChars: count(reply.outputChars ?? 0, 'outputChars'),
    durationMs: count(reply.durationMs ?? 0, 'durationMs'),
    stateLost: false,
    message: null,
  };
}
