import type { Block } from '../../format/index.js';
import type { PublishedIndex } from './published-index.js';
import { ReplayError } from './replay-script.js';

/**
 * The replayed chat model: each answer is the published trajectory's next text block as the message content,
 * with the code block after it as a `python` tool call. A chat message holds one text, so consecutive published
 * text blocks are joined by a blank line (chatBlocks).
 */
export interface WireChatMessage {
  readonly role: string;
  readonly content?: string | null;
  readonly tool_calls?: ReadonlyArray<{ readonly function?: { readonly arguments?: string } }> | null;
}

export interface ChatStep {
  readonly content: string | null;
  readonly code: string | null;
}

/** The published blocks as a chat conversation can carry them: adjacent text blocks joined with "\n\n". */
export function chatBlocks(blocks: readonly Block[]): Block[] {
  const result: Block[] = [];
  for (const block of blocks) {
    const last = result[result.length - 1];
    if (block.type === 'text' && last?.type === 'text') result[result.length - 1] = { type: 'text', content: `${last.content}\n\n${block.content}` };
    else result.push(block);
  }
  return result;
}

function codeOf(argumentsText: string | undefined): string {
  try {
    const parsed = JSON.parse(argumentsText ?? '') as { code?: unknown };
    return typeof parsed.code === 'string' ? parsed.code : '';
  } catch {
    return '';
  }
}

/**
 * The blocks the client's messages already hold: assistant text, tool-call code, tool results. An answer that
 * follows an assistant message without tool calls (one cut by its token limit) continues that message's text.
 */
function clientBlocks(messages: readonly WireChatMessage[]): Block[] {
  const blocks: Block[] = [];
  let continuing = false;
  for (const message of messages) {
    if (message.role === 'assistant') {
      const last = blocks[blocks.length - 1];
      if (message.content && continuing && last?.type === 'text') blocks[blocks.length - 1] = { type: 'text', content: last.content + message.content };
      else if (message.content) blocks.push({ type: 'text', content: message.content });
      for (const call of message.tool_calls ?? []) blocks.push({ type: 'code', content: codeOf(call.function?.arguments) });
      continuing = (message.tool_calls ?? []).length === 0;
    } else if (message.role === 'tool') {
      blocks.push({ type: 'execution', content: message.content ?? '' });
      continuing = false;
    }
  }
  return blocks;
}

export function chatStep(index: PublishedIndex, messages: readonly WireChatMessage[]): ChatStep {
  const user = messages.find((message) => message.role === 'user');
  if (!user || typeof user.content !== 'string') throw new ReplayError(400, 'the conversation has no user message');
  const entry = index.find(user.content);
  if (!entry) throw new ReplayError(404, `no published trajectory has this question: ${JSON.stringify(user.content.slice(0, 80))}`);
  const published = chatBlocks(entry.trajectory.blocks);
  const sent = clientBlocks(messages);
  let position = sent.length;
  let content: string | null = null;
  sent.forEach((block, index) => {
    const expected = published[index];
    const isLast = index === sent.length - 1;
    if (expected && isLast && block.type === 'text' && expected.type === 'text' && expected.content.startsWith(block.content) && expected.content !== block.content) {
      // The last answer was cut by its token limit: the model goes on with the rest of the text.
      content = expected.content.slice(block.content.length);
      return;
    }
    if (!expected || expected.type !== block.type || (block.type !== 'execution' && expected.content !== block.content)) {
      throw new ReplayError(400, `the conversation departs from the published trajectory ${entry.where} at block ${index + 1}`);
    }
  });
  if (content === null && published[position]?.type === 'text') content = published[position++]!.content;
  const code = published[position]?.type === 'code' ? published[position]!.content : null;
  return { content, code };
}
