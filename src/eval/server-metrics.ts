import type { ServerStats } from '../llm/server-pool.js';
import type { ServerInvocation } from './run-manifest.js';

/**
 * What each model server did over a run (every invocation, every shard): requests answered, requests that failed
 * there and moved to another server, times out of rotation, tokens, and generated tokens per second of the time
 * the run was using it.
 */
export interface ServerMetrics extends Pick<ServerStats, 'url' | 'requests' | 'failures' | 'timesTakenOut' | 'promptTokens' | 'generatedTokens'> {
  /** Wall-clock seconds of the invocations that used it (overlapping ones, such as parallel shards, counted once). */
  readonly seconds: number;
  /** Seconds with at least one request outstanding there (summed over invocations). */
  readonly busySeconds: number;
  /** Generated tokens per wall-clock second. */
  readonly tokensPerSecond: number;
  /** Its share of all requests answered. */
  readonly requestShare: number;
  /** Its state at the end of the last invocation that used it. */
  readonly state: string;
}

/** Total length of a set of intervals, overlaps counted once. */
function unionLength(intervals: ReadonlyArray<readonly [number, number]>): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let current: [number, number] | null = null;
  for (const [start, end] of sorted) {
    if (current && start <= current[1]) current[1] = Math.max(current[1], end);
    else {
      if (current) total += current[1] - current[0];
      current = [start, end];
    }
  }
  return total + (current ? current[1] - current[0] : 0);
}

export function serverMetrics(invocations: readonly ServerInvocation[]): ServerMetrics[] {
  const byUrl = new Map<string, { sums: Omit<ServerMetrics, 'url' | 'seconds' | 'tokensPerSecond' | 'requestShare'>; intervals: Array<[number, number]> }>();
  const ordered = [...invocations].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  for (const invocation of ordered) {
    const interval: [number, number] = [Date.parse(invocation.startedAt), Date.parse(invocation.endedAt)];
    for (const server of invocation.servers) {
      const entry = byUrl.get(server.url) ?? {
        sums: { requests: 0, failures: 0, timesTakenOut: 0, promptTokens: 0, generatedTokens: 0, busySeconds: 0, state: server.state },
        intervals: [],
      };
      const sums = entry.sums;
      entry.sums = {
        requests: sums.requests + server.requests,
        failures: sums.failures + server.failures,
        timesTakenOut: sums.timesTakenOut + server.timesTakenOut,
        promptTokens: sums.promptTokens + server.promptTokens,
        generatedTokens: sums.generatedTokens + server.generatedTokens,
        busySeconds: sums.busySeconds + server.busyMs / 1000,
        state: server.state,
      };
      entry.intervals.push(interval);
      byUrl.set(server.url, entry);
    }
  }
  const totalRequests = [...byUrl.values()].reduce((sum, entry) => sum + entry.sums.requests, 0);
  return [...byUrl.entries()].map(([url, { sums, intervals }]) => {
    const seconds = unionLength(intervals) / 1000;
    return {
      url,
      ...sums,
      seconds,
      tokensPerSecond: seconds > 0 ? sums.generatedTokens / seconds : 0,
      requestShare: totalRequests > 0 ? sums.requests / totalRequests : 0,
    };
  });
}
