import type { ComponentChildren } from 'preact';
import type { ExecutionRecord } from '../../../src/solve/types.js';
import { CodeView } from './code-view';
import { ExecutionOutput } from './execution-output';
import { MarkdownText } from './markdown-text';

export interface ShownBlock {
  readonly type: 'text' | 'code' | 'execution';
  readonly content: string;
  readonly execution?: ExecutionRecord | undefined;
  /** Still being written (a live solve). */
  readonly open?: boolean;
}

/** A trajectory: text as Markdown + LaTeX, code highlighted, execution output in a terminal box. */
export function TrajectoryView({ blocks, afterBlock }: { blocks: readonly ShownBlock[]; afterBlock?: (index: number) => ComponentChildren }) {
  return (
    <div class="trajectory" data-testid="trajectory">
      {blocks.map((block, index) => (
        <div key={index} class={`block block-${block.type}${block.open ? ' block-open' : ''}`}>
          {block.type === 'text' && (
            <div data-testid="block-text">
              <MarkdownText text={block.content} />
            </div>
          )}
          {block.type === 'code' && <CodeView code={block.content} />}
          {block.type === 'execution' && <ExecutionOutput content={block.content} execution={block.execution} />}
          {afterBlock?.(index)}
        </div>
      ))}
    </div>
  );
}
