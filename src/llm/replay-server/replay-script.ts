import { MathcoderError } from '../../errors.js';
import { getSyntax, type AssistantSegment, type Block, type TrajectorySyntax } from '../../format/index.js';
import type { PublishedIndex, IndexedRecording, IndexedTrajectory } from './published-index.js';

/**
 * What the replayed "model" writes next for a text prompt: the recorded transcript whose prompt it starts with,
 * or else the published trajectory of the prompt's question rendered in the prompt's syntax, with the client's
 * own execution outputs in place of the recorded ones, continues the prompt; the rest of it is the continuation.
 * Protocol handlers then decode it token by token and apply the request's stops, as a real server would.
 */
export class ReplayError extends MathcoderError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super('replay', message);
  }
}

const ASSISTANT_MARKERS: Record<'mathcoder' | 'tora' | 'qwen', string> = { mathcoder: '<|assistant|>', tora: '<|assistant|>\n', qwen: '<|im_start|>assistant\n' };

/** The syntax of a prompt for a published MathCoder trajectory (other dialects are served from recorded transcripts). */
export function promptSyntax(prompt: string): TrajectorySyntax & { readonly name: 'mathcoder' | 'tora' | 'qwen' } {
  const named = (name: 'mathcoder' | 'tora' | 'qwen') => getSyntax(name) as TrajectorySyntax & { readonly name: typeof name };
  if (prompt.startsWith('<|im_start|>')) return named('qwen');
  if (/^<\|(system|user)\|><\|text\|>/.test(prompt)) return named('mathcoder');
  if (/^<\|(system|user)\|>\n/.test(prompt)) return named('tora');
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
      executionIndex += 1;
      text = syntax.appendExecution(text, executions[executionIndex - 1] ?? syntax.escape(block.content), executionIndex);
    } else {
      text += syntax.renderBlocks([block]);
    }
  }
  return entry.trajectory.finished ? text + syntax.endOfMessage : text;
}

export interface Continuation {
  /** The question the prompt asks (for the simulated serving time's records). */
  readonly question: string;
  /** `file:line` of the row replayed. */
  readonly where: string;
  /** The text the model writes after the prompt (it then writes EOS). */
  readonly text: string;
}

/** The recorded text with the client's outputs in place of the recorded ones (the runner's frames and notices rebuilt). */
function alignedRecording(syntax: TrajectorySyntax, recorded: readonly AssistantSegment[], outputs: readonly string[]): string {
  let text = '';
  for (const segment of recorded) {
    if (segment.kind === 'model') text += segment.text;
    else text = syntax.appendExecution(text, outputs[segment.index - 1] ?? segment.output, segment.index);
  }
  return text;
}

function clientOutputs(syntax: TrajectorySyntax, assistant: string): string[] {
  return syntax
    .segments(assistant)
    .flatMap((segment) => (segment.kind === 'runner' ? [segment.output] : []));
}

function departure(where: string, assistant: string, aligned: string): ReplayError {
  let differ = 0;
  while (differ < assistant.length && assistant[differ] === aligned[differ]) differ += 1;
  return new ReplayError(400, `the prompt departs from the published trajectory ${where} at character ${differ} of the assistant message`);
}

function recordedContinuation(entry: IndexedRecording, prompt: string): Continuation {
  const { recording, where } = entry;
  const syntax = getSyntax(recording.dialect);
  const assistant = prompt.slice(recording.prompt.length);
  const aligned = alignedRecording(syntax, syntax.segments(recording.completion), clientOutputs(syntax, assistant));
  if (!aligned.startsWith(assistant)) throw departure(where, assistant, aligned);
  return { question: recording.question, where, text: aligned.slice(assistant.length) };
}

export function continuationOf(index: PublishedIndex, prompt: string): Continuation {
  const recorded = index.findRecording(prompt);
  if (recorded) return recordedContinuation(recorded, prompt);
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
  const aligned = alignedAssistantText(syntax, entry, clientOutputs(syntax, assistant));
  if (!aligned.startsWith(assistant)) throw departure(entry.where, assistant, aligned);
  return { question: entry.trajectory.question, where: entry.where, text: aligned.slice(assistant.length) };
}
