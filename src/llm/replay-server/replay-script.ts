import { MathcoderError } from '../../errors.js';
import { escapeSpecialTokens, getSyntax, type Block, type SyntaxName, type TrajectorySyntax } from '../../format/index.js';
import { appendExecution, assistantBlocks } from '../transcript.js';
import type { PublishedIndex, IndexedTrajectory } from './published-index.js';

/**
 * What the replayed "model" writes next for a text prompt: the published trajectory of the prompt's question,
 * rendered in the prompt's syntax with the client's own execution outputs in place of the published ones,
 * continues the prompt; the rest of it is the continuation. Protocol handlers then decode it token by token
 * and apply the request's stops, as a real server would.
 */
export class ReplayError extends MathcoderError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super('replay', message);
  }
}

const ASSISTANT_MARKERS: Record<SyntaxName, string> = { mathcoder: '<|assistant|>', tora: '<|assistant|>\n', qwen: '<|im_start|>assistant\n' };

export function promptSyntax(prompt: string): TrajectorySyntax {
  if (prompt.startsWith('<|im_start|>')) return getSyntax('qwen');
  if (/^<\|(system|user)\|><\|text\|>/.test(prompt)) return getSyntax('mathcoder');
  if (/^<\|(system|user)\|>\n/.test(prompt)) return getSyntax('tora');
  throw new ReplayError(400, 'the prompt is in no known syntax: it must start as a MathCoder, ToRA or Qwen conversation');
}

function userText(blocks: readonly Block[]): string {
  return blocks.map((block) => block.content).join('');
}

/** The published blocks as this client's transcript would hold them, with `executions` in place of the published ones. */
export function alignedAssistantText(syntax: TrajectorySyntax, entry: IndexedTrajectory, executions: readonly string[]): string {
  let text = '';
  let executionIndex = 0;
  for (const block of entry.trajectory.blocks) {
    if (block.type === 'execution') {
      text = appendExecution(syntax, text, executions[executionIndex] ?? escapeSpecialTokens(block.content));
      executionIndex += 1;
    } else {
      text += syntax.renderBlocks([block]);
    }
  }
  return entry.trajectory.finished ? text + syntax.endOfMessage : text;
}

export interface Continuation {
  readonly entry: IndexedTrajectory;
  /** The text the model writes after the prompt (it then writes EOS). */
  readonly text: string;
}

export function continuationOf(index: PublishedIndex, prompt: string): Continuation {
  const syntax = promptSyntax(prompt);
  const marker = ASSISTANT_MARKERS[syntax.name];
  const at = prompt.indexOf(marker);
  if (at < 0) throw new ReplayError(400, `the prompt has no open assistant message (${JSON.stringify(marker)})`);
  const assistantStart = at + marker.length;
  const header = syntax.parse(prompt.slice(0, assistantStart));
  const user = header.messages.find((message) => message.role === 'user');
  if (!user) throw new ReplayError(400, 'the prompt has no user message');
  const entry = index.find(userText(user.content));
  if (!entry) throw new ReplayError(404, `no published trajectory has this question: ${JSON.stringify(userText(user.content).slice(0, 80))}`);
  const assistant = prompt.slice(assistantStart);
  const executions = assistantBlocks(syntax, assistant)
    .filter((block) => block.type === 'execution')
    .map((block) => block.content);
  const aligned = alignedAssistantText(syntax, entry, executions);
  if (!aligned.startsWith(assistant)) {
    let differ = 0;
    while (differ < assistant.length && assistant[differ] === aligned[differ]) differ += 1;
    throw new ReplayError(400, `the prompt departs from the published trajectory ${entry.where} at character ${differ} of the assistant message`);
  }
  return { entry, text: aligned.slice(assistant.length) };
}
