import type { ParsedBlock, TrajectorySyntax } from '../format/index.js';

/**
 * How a trajectory's text grows, shared by the solve loop and the replay server so that both write exactly the
 * same bytes. Each syntax says it (TrajectorySyntax.appendExecution and friends); these are the loop's names:
 * - MathCoder: `<|execution|>{output}<|endofblock|>` right after the code block's `<|endofblock|>`.
 * - Markdown (ToRA, Qwen): as their inference does, the model's text is right-stripped, then
 *   "\n```output\n{output}\n```\n" follows (Qwen2.5-Math adds "\nReach max function call limit." after the fourth).
 * - The tagged dialects and harmony: their runner frames (src/format/tagged-syntax.ts, harmony-syntax.ts).
 */
export function appendExecution(syntax: TrajectorySyntax, transcript: string, output: string, index = 1): string {
  return syntax.appendExecution(transcript, output, index);
}

/** Whether a stop string is part of the model's own text (a block or message terminator) or the start of what the runner appends. */
export function stopBelongsToModel(syntax: TrajectorySyntax, stop: string): boolean {
  return syntax.stopBelongsToModel(stop);
}

/** Whether a stop string ends a block for the runner to act on (rather than the model's whole message). */
export function stopEndsBlock(syntax: TrajectorySyntax, stop: string): boolean {
  return syntax.stopEndsBlock(stop);
}

/** The blocks of an assistant message's text, without the layout the runner writes around outputs. */
export function assistantBlocks(syntax: TrajectorySyntax, assistantText: string): ParsedBlock[] {
  return syntax.assistantBlocks(assistantText);
}
