import { MathcoderError } from '../errors.js';
import { NO_TRUNCATION, type ExecutionPolicy } from './dialect.js';
import type { ParsedBlock, ParsedGeneration } from './parsed-generation.js';
import { promptConversation, SYSTEM_PROMPTS } from './prompt.js';
import { appendFrame, framedReader, type RunnerFrame } from './runner-frame.js';
import { SPECIAL_TOKEN_PATTERN, TOKENS, containsSpecialToken, escapeSpecialTokens, type SpecialToken } from './special-tokens.js';
import type { PromptSettings, TrajectorySyntax } from './trajectory-syntax.js';
import type { Block, BlockType, Conversation, Message, Role } from './types.js';

/**
 * The MathCoder special-token syntax (SPEC 1.7), on one line as `src/inference.py` writes it:
 * `<|system|><|text|>S<|endofblock|><|endofmessage|><|user|><|text|>Q<|endofblock|><|endofmessage|><|assistant|>`
 * then `<|text|>…<|endofblock|>`, `<|code|>…<|endofblock|>`, `<|execution|>…<|endofblock|>`, `<|endofmessage|>`.
 */

const ROLE_TOKENS: Record<Role, SpecialToken> = { system: TOKENS.system, user: TOKENS.user, assistant: TOKENS.assistant };
const BLOCK_TOKENS: Record<BlockType, SpecialToken> = { text: TOKENS.text, code: TOKENS.code, execution: TOKENS.execution };
const ROLE_OF_TOKEN = new Map<string, Role>(Object.entries(ROLE_TOKENS).map(([role, token]) => [token, role as Role]));
const TYPE_OF_TOKEN = new Map<string, BlockType>(Object.entries(BLOCK_TOKENS).map(([type, token]) => [token, type as BlockType]));

export function renderBlock(block: Block): string {
  if (containsSpecialToken(block.content)) {
    throw new MathcoderError('format', `a ${block.type} block contains a special-token string; escape it with escapeSpecialTokens() first`);
  }
  return BLOCK_TOKENS[block.type] + block.content + TOKENS.endOfBlock;
}

export function renderBlocks(blocks: readonly Block[]): string {
  return blocks.map(renderBlock).join('');
}

export function renderMessage(message: Message, ended: boolean): string {
  return ROLE_TOKENS[message.role] + renderBlocks(message.content) + (ended ? TOKENS.endOfMessage : '');
}

/** The exact text of a conversation; the last message stays open (no `<|endofmessage|>`) when `conversation.open`. */
export function renderConversation(conversation: Conversation): string {
  const last = conversation.messages.length - 1;
  return conversation.messages.map((message, index) => renderMessage(message, index < last || !conversation.open)).join('');
}

interface Segment {
  readonly token: string | null;
  readonly text: string;
  readonly offset: number;
}

/** Splits text into special tokens and the plain text between them. */
function segments(text: string): Segment[] {
  const result: Segment[] = [];
  const pattern = new RegExp(SPECIAL_TOKEN_PATTERN.source, 'g');
  let position = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    if (match.index > position) result.push({ token: null, text: text.slice(position, match.index), offset: position });
    result.push({ token: match[0], text: match[0], offset: match.index });
    position = match.index + match[0].length;
  }
  if (position < text.length) result.push({ token: null, text: text.slice(position), offset: position });
  return result;
}

/** A block state machine shared by the whole-conversation parser and the generation parser. */
class BlockReader {
  readonly blocks: ParsedBlock[] = [];
  private current: { type: BlockType; content: string; typeImplied: boolean } | null = null;

  /** Returns false when the segment is not part of block syntax (a role or end-of-message token, or a stray end of block). */
  accept(segment: Segment): boolean {
    if (segment.token === null) {
      if (this.current) this.current.content += segment.text;
      else this.current = { type: 'text', content: segment.text, typeImplied: true };
      return true;
    }
    const type = TYPE_OF_TOKEN.get(segment.token);
    if (type !== undefined) {
      this.flush(false);
      this.current = { type, content: '', typeImplied: false };
      return true;
    }
    if (segment.token === TOKENS.endOfBlock && this.current) {
      this.flush(true);
      return true;
    }
    return false;
  }

  get hasOpenBlock(): boolean {
    return this.current !== null;
  }

  flush(closed: boolean): void {
    if (!this.current) return;
    this.blocks.push({ ...this.current, closed });
    this.current = null;
  }
}

/**
 * Reads raw model text (what follows `<|assistant|>` or a previous block) back into blocks: several blocks in
 * one generation, a last block without `<|endofblock|>` (max tokens), text without a type token, and stray
 * special tokens are all handled and reported rather than rejected.
 */
export function parseMathcoderGeneration(text: string): ParsedGeneration {
  const reader = new BlockReader();
  const strays: string[] = [];
  let endOfMessage = false;
  let trailing = '';
  for (const segment of segments(text)) {
    if (endOfMessage) {
      trailing += segment.text;
      continue;
    }
    if (reader.accept(segment)) continue;
    if (segment.token === TOKENS.endOfMessage) {
      reader.flush(false);
      endOfMessage = true;
      continue;
    }
    strays.push(segment.text);
  }
  reader.flush(false);
  return { blocks: reader.blocks, endOfMessage, strays, trailing };
}

/**
 * Parses a rendered conversation back into messages; the inverse of renderConversation for every text it
 * writes. Text that the renderer could not have written is an error naming the character offset.
 */
export function parseMathcoderConversation(text: string): Conversation {
  const messages: Message[] = [];
  let role: Role | null = null;
  let reader = new BlockReader();
  let open = false;
  const fail = (offset: number, what: string): never => {
    throw new MathcoderError('format', `not a MathCoder conversation: ${what} at character ${offset}`);
  };
  for (const segment of segments(text)) {
    if (role === null) {
      const next = segment.token === null ? undefined : ROLE_OF_TOKEN.get(segment.token);
      if (next === undefined) fail(segment.offset, `expected a role token, found ${JSON.stringify(segment.text.slice(0, 40))}`);
      role = next ?? null;
      reader = new BlockReader();
      open = true;
      continue;
    }
    if (segment.token === TOKENS.endOfMessage) {
      if (reader.hasOpenBlock) fail(segment.offset, 'a block not ended before <|endofmessage|>');
      messages.push({ role, content: finishedBlocks(reader, role, segment.offset) });
      role = null;
      open = false;
      continue;
    }
    if (!reader.accept(segment)) fail(segment.offset, `unexpected ${segment.text}`);
  }
  if (role !== null) {
    if (reader.hasOpenBlock) fail(text.length, 'a block not ended');
    messages.push({ role, content: finishedBlocks(reader, role, text.length) });
  }
  return { messages, open };
}

function finishedBlocks(reader: BlockReader, role: Role, offset: number): Block[] {
  if (reader.blocks.some((block) => block.typeImplied)) {
    throw new MathcoderError('format', `not a MathCoder conversation: text outside a block in the ${role} message ending at character ${offset}`);
  }
  return reader.blocks.map((block) => ({ type: block.type, content: block.content }));
}

/** `<|execution|>{output}<|endofblock|>` right after the code block's `<|endofblock|>` (SPEC 1.7). */
const MATHCODER_FRAME: RunnerFrame = { open: TOKENS.execution, close: TOKENS.endOfBlock, notice: () => '', trimModelText: false };

const MATHCODER_EXECUTION: ExecutionPolicy = {
  state: 'stateful',
  output: 'mathcoder',
  maxExecutions: null,
  afterBudget: null,
  truncation: NO_TRUNCATION,
  timeoutMs: null,
  skipCodeAfterBoxed: false,
};

const mathcoderReader = framedReader(MATHCODER_FRAME, (text) => [...parseMathcoderGeneration(text).blocks]);

export const MATHCODER_SYNTAX: TrajectorySyntax = Object.freeze({
  name: 'mathcoder',
  render: renderConversation,
  parse: parseMathcoderConversation,
  renderBlocks,
  parseGeneration: parseMathcoderGeneration,
  endOfMessage: TOKENS.endOfMessage,
  stopStrings: [TOKENS.endOfBlock, TOKENS.endOfMessage],
  description: {
    name: 'mathcoder',
    title: 'MathCoder (special tokens)',
    sources: ['mathllm/MathCoder src/inference.py (SPEC 1.7, 2.1)'],
    stops: [TOKENS.endOfBlock, TOKENS.endOfMessage],
    execution: MATHCODER_EXECUTION,
  },
  execution: MATHCODER_EXECUTION,
  promptDefaults: { system: SYSTEM_PROMPTS.data, querySuffix: '\n' },
  prompt: (question: string, settings: PromptSettings) => renderConversation(promptConversation(escapeSpecialTokens(question), { ...settings, bos: true })),
  escape: escapeSpecialTokens,
  stopBelongsToModel: (stop: string) => stop === TOKENS.endOfBlock || stop === TOKENS.endOfMessage,
  stopEndsBlock: (stop: string) => stop === TOKENS.endOfBlock,
  continuesAfterText: true,
  appendExecution: (transcript: string, output: string, index: number) => appendFrame(MATHCODER_FRAME, transcript, output, index),
  assistantBlocks: (text: string) => [...parseMathcoderGeneration(text).blocks],
  segments: mathcoderReader.segments,
  program: (code: string) => ({ code }),
});
