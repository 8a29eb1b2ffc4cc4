/**
 * The default number of CPU threads for token evaluation. For a small model the work per token is so small
 * that synchronising threads costs more than it saves: bench/solve measured the 35 MB test model on 2 cores at
 * ~800 tokens/s with 1 thread and ~100 with 2 (prompt evaluation: ~33,000 and ~23,000 tokens/s). A 7B model has ~200 times more work per token and uses all the
 * cores node-llama-cpp counts for math (`llama.cpuMathCores`). `--threads` overrides both.
 */
export const SMALL_MODEL_BYTES = 512 * 1024 ** 2;

export function defaultThreads(modelSizeBytes: number, mathCores: number): number {
  return modelSizeBytes < SMALL_MODEL_BYTES ? 1 : Math.max(1, mathCores);
}
