import { executionBlock, TOKENS, type ParsedBlock, type TrajectorySyntax } from '../format/index.js';

/**
 * How a trajectory's text grows, shared by the solve loop and the replay server so that both write exactly the
 * same bytes.
 * - MathCoder: `<|execution|>{output}<|endofblock|>` right after the code block's `<|endofblock|>`.
 * - Markdown (ToRA, Qwen): as ToRA's inference does, the model's text is right-stripped, then
 *   "\n```output\n{output}\n```\n" follows.
 */
export function appendExecution(syntax: TrajectorySyntax, transcript: string, output: string): string {
  if (syntax.name === 'mathcoder') return transcript + syntax.renderBlocks([executionBlock(output)]);
  return `${transcript.trimEnd()}\n${syntax.renderBlocks([executionBlock(output)])}\n`;
}

/** Whether a stop string is part of the model's own text (a block or message terminator) or the start of what the runner appends. */
export function stopBelongsToModel(syntax: TrajectorySyntax, stop: string): boolean {
  if (syntax.name === 'mathcoder') return stop === TOKENS.endOfBlock || stop === TOKENS.endOfMessage;
  return syntax.endOfMessage !== '' && stop === syntax.endOfMessage.trim();
}

/** Whether a stop string ends a block for the runner to act on (rather than the model's whole message). */
export function stopEndsBlock(syntax: TrajectorySyntax, stop: string): boolean {
  return syntax.name === 'mathcoder' ? stop === TOKENS.endOfBlock : stop.startsWith('```');
}

/**
 * The blocks of an assistant message's text, without the layout whitespace appendExecution writes for Markdown:
 * the "\n" text between a code block and its output, and the "\n" that starts the text after an output.
 */
export function assistantBlocks(syntax: TrajectorySyntax, assistantText: string): ParsedBlock[] {
  const blocks = [...syntax.parseGeneration(assistantText).blocks];
  if (syntax.name === 'mathcoder') return blocks;
  const result: ParsedBlock[] = [];
  blocks.forEach((block, index) => {
    const previous = blocks[index - 1];
    const next = blocks[index + 1];
    if (block.type === 'text' && previous?.type === 'code' && next?.type === 'execution' && block.content.trim() === '') return;
    if (block.type === 'text' && previous?.type === 'execution' && block.content.startsWith('\n')) {
      if (block.content === '\n') return;
      result.push({ ...block, content: block.content.slice(1) });
      return;
    }
    result.push(block);
  });
  return result;
}
