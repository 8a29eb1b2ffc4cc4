import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/server/api-error.js';
import { JobQueue } from '../../src/server/job-queue.js';

describe('JobQueue', () => {
  it('runs up to its concurrency, lets jobs wait in order, and refuses one more with a 429', async () => {
    const queue = new JobQueue({ concurrency: 2, maxWaiting: 2, name: 'solve' });
    const first = queue.admit();
    const second = queue.admit();
    const third = queue.admit();
    const fourth = queue.admit();
    expect([first.position, second.position, third.position, fourth.position]).toEqual([0, 0, 1, 2]);
    expect(queue.state).toEqual({ running: 2, waiting: 2, concurrency: 2, maxWaiting: 2 });
    let refusal: unknown;
    try {
      queue.admit();
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(ApiError);
    expect(refusal).toMatchObject({ status: 429, code: 'queue-full', headers: { 'retry-after': '1' } });

    const started: string[] = [];
    void third.ready.then(() => started.push('third'));
    void fourth.ready.then(() => started.push('fourth'));
    second.release();
    second.release(); // a second release changes nothing
    await Promise.resolve();
    await Promise.resolve();
    expect(started).toEqual(['third']);
    expect(queue.state).toMatchObject({ running: 2, waiting: 1 });
    first.release();
    await fourth.ready;
    expect(started).toEqual(['third', 'fourth']);
    third.release();
    fourth.release();
    expect(queue.state).toMatchObject({ running: 0, waiting: 0 });
  });

  it('takes a waiting job whose client went away out of the line, without giving it a slot', async () => {
    const queue = new JobQueue({ concurrency: 1, maxWaiting: 3, name: 'solve' });
    const running = queue.admit();
    const controller = new AbortController();
    const leaving = queue.admit(controller.signal);
    const staying = queue.admit();
    controller.abort(new Error('gone'));
    await expect(leaving.ready).rejects.toThrow('gone');
    leaving.release();
    expect(queue.state).toMatchObject({ running: 1, waiting: 1 });
    running.release();
    await staying.ready;
    expect(staying.position).toBe(2);
    staying.release();
    expect(queue.state).toMatchObject({ running: 0, waiting: 0 });

    const aborted = new AbortController();
    aborted.abort(new Error('already gone'));
    const holder = queue.admit();
    await expect(queue.admit(aborted.signal).ready).rejects.toThrow('already gone');
    expect(queue.state).toMatchObject({ running: 1, waiting: 0 });
    holder.release();
  });
});
