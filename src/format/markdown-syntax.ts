import { MathcoderError } from '../errors.js';
import type { ParsedBlock, ParsedGeneration } from './parsed-generation.js';
import type { Block, Conversation, Message, Role } from './types.js';

/**
 * The Markdown tool-integrated syntax of ToRA and Qwen2.5-Math: reasoning text, then
 * "```python\n{code}\n```", then the executor's "```output\n{result}\n```". Text blocks keep every
 * character between fences, so rendering a parsed text gives back the same text.
 */

const FENCE_OPEN = /```(python|output)\n/g;
const FENCE_CLOSE = '\n```';

export function renderMarkdownBlock(block: Block): string {
  switch (block.type) {
    case 'text':
      return block.content;
    case 'code':
      return '```python\n' + block.content + FENCE_CLOSE;
    case 'execution':
      return '```output\n' + block.content + FENCE_CLOSE;
  }
}

export function renderMarkdownBlocks(blocks: readonly Block[]): string {
  return blocks.map(renderMarkdownBlock).join('');
}

/** Reads Markdown model text back into text, code and execution blocks. */
export function parseMarkdownBlocks(text: string): ParsedBlock[] {
  const blocks: ParsedBlock[] = [];
  const pattern = new RegExp(FENCE_OPEN.source, 'g');
  let position = 0;
  while (position <= text.length) {
    pattern.lastIndex = position;
    const match = pattern.exec(text);
    if (match === null) break;
    if (match.index > position) blocks.push({ type: 'text', content: text.slice(position, match.index), closed: true, typeImplied: true });
    const start = match.index + match[0].length;
    const type = match[1] === 'python' ? 'code' : 'execution';
    const end = text.indexOf(FENCE_CLOSE, start - 1);
    if (end < 0) {
      blocks.push({ type, content: text.slice(start), closed: false, typeImplied: false });
      return blocks;
    }
    blocks.push({ type, content: end < start ? '' : text.slice(start, end), closed: true, typeImplied: false });
    position = end + FENCE_CLOSE.length;
  }
  if (position < text.length) blocks.push({ type: 'text', content: text.slice(position), closed: true, typeImplied: true });
  return blocks;
}

/** How the messages around the assistant's Markdown are written. */
export interface MarkdownTemplate {
  readonly name: 'tora' | 'qwen';
  open(role: Role): string;
  close(role: Role): string;
  /** Splits a whole conversation text at its role markers. */
  readonly rolePattern: RegExp;
  /** What the model writes to end its message ('' where it ends with the EOS token, not text). */
  readonly endOfMessage: string;
  readonly stopStrings: readonly string[];
}

/** ToRA's fine-tuned models: `<|user|>\n{question}\n<|assistant|>\n`, the message ends with EOS. */
export const TORA_TEMPLATE: MarkdownTemplate = {
  name: 'tora',
  open: (role) => `<|${role}|>\n`,
  close: (role) => (role === 'assistant' ? '' : '\n'),
  rolePattern: /<\|(system|user|assistant)\|>\n/g,
  endOfMessage: '',
  stopStrings: ['```output', '</s>'],
};

/** Qwen2.5-Math's ChatML: `<|im_start|>user\n{question}<|im_end|>\n<|im_start|>assistant\n`. */
export const QWEN_TEMPLATE: MarkdownTemplate = {
  name: 'qwen',
  open: (role) => `<|im_start|>${role}\n`,
  close: () => '<|im_end|>\n',
  rolePattern: /<\|im_start\|>(system|user|assistant)\n/g,
  endOfMessage: '<|im_end|>\n',
  stopStrings: ['```output', '<|im_end|>', '<|endoftext|>'],
};

/** Qwen2.5-Math's tool-integrated reasoning system prompt. */
export const QWEN_TIR_SYSTEM =
  'Please integrate natural language reasoning with programs to solve the problem above, and put your final answer within \\boxed{}.';

export function renderMarkdownConversation(conversation: Conversation, template: MarkdownTemplate): string {
  const last = conversation.messages.length - 1;
  return conversation.messages
    .map((message, index) => {
      const ended = index < last || !conversation.open;
      return template.open(message.role) + renderMarkdownBlocks(message.content) + (ended ? template.close(message.role) : '');
    })
    .join('');
}

export function parseMarkdownConversation(text: string, template: MarkdownTemplate): Conversation {
  const pattern = new RegExp(template.rolePattern.source, 'g');
  const markers = [...text.matchAll(pattern)];
  if (markers.length === 0 || markers[0]!.index !== 0) {
    throw new MathcoderError('format', `not a ${template.name} conversation: it must start with a role marker`);
  }
  const messages: Message[] = [];
  let open = false;
  markers.forEach((marker, index) => {
    const role = marker[1] as Role;
    const start = marker.index! + marker[0].length;
    const end = index + 1 < markers.length ? markers[index + 1]!.index! : text.length;
    let body = text.slice(start, end);
    const close = template.close(role);
    const isLast = index === markers.length - 1;
    if (close !== '' && body.endsWith(close)) {
      body = body.slice(0, body.length - close.length);
      if (isLast) open = false;
    } else if (!isLast && close !== '') {
      throw new MathcoderError('format', `not a ${template.name} conversation: the ${role} message at character ${marker.index} is not closed`);
    } else if (isLast) {
      open = close !== '';
    }
    const content: Block[] =
      role === 'assistant'
        ? parseMarkdownBlocks(body).map((block) => ({ type: block.type, content: block.content }))
        : body === ''
          ? []
          : [{ type: 'text', content: body }];
    messages.push({ role, content });
  });
  return { messages, open };
}

export function parseMarkdownGeneration(text: string, template: MarkdownTemplate): ParsedGeneration {
  let body = text;
  let trailing = '';
  let endOfMessage = false;
  const end = template.endOfMessage.trim();
  if (end !== '') {
    const at = body.indexOf(end);
    if (at >= 0) {
      trailing = body.slice(at + end.length);
      body = body.slice(0, at);
      endOfMessage = true;
    }
  }
  return { blocks: parseMarkdownBlocks(body), endOfMessage, strays: [], trailing };
}
