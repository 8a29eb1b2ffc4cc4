import type { LlamaContext, LlamaContextSequence } from 'node-llama-cpp';

/** Hands out a context's sequences, one per problem; a problem that finds none free waits for one. */
export class SequencePool {
  private readonly waiting: Array<(sequence: LlamaContextSequence) => void> = [];

  constructor(private readonly context: LlamaContext) {}

  acquire(): Promise<LlamaContextSequence> {
    if (this.context.sequencesLeft > 0) return Promise.resolve(this.context.getSequence());
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  async release(sequence: LlamaContextSequence): Promise<void> {
    await sequence.dispose();
    const next = this.waiting.shift();
    if (next && !this.context.disposed) next(this.context.getSequence());
  }
}
