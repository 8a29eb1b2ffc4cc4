import { MathcoderError } from '../errors.js';
import {
  QWEN_TEMPLATE,
  TORA_TEMPLATE,
  parseMarkdownConversation,
  parseMarkdownGeneration,
  renderMarkdownBlocks,
  renderMarkdownConversation,
  type MarkdownTemplate,
} from './markdown-syntax.js';
import { parseMathcoderConversation, parseMathcoderGeneration, renderBlocks, renderConversation } from './mathcoder-syntax.js';
import type { ParsedGeneration } from './parsed-generation.js';
import { SYNTAX_NAMES, type SyntaxName } from './syntax-names.js';
import { TOKENS } from './special-tokens.js';
import type { Block, Conversation } from './types.js';

/**
 * One interface over the two trajectory syntaxes, so the solve loop, the replay server and the trainers run
 * MathCoder models (special tokens) and ToRA/Qwen-style models (Markdown fences) the same way.
 */
export interface TrajectorySyntax {
  readonly name: SyntaxName;
  /** The exact text of a conversation (a prompt when its last, assistant, message is open and empty). */
  render(conversation: Conversation): string;
  /** The inverse of render. */
  parse(text: string): Conversation;
  /** The text of blocks appended to an open assistant message. */
  renderBlocks(blocks: readonly Block[]): string;
  /** Reads what a model generated (one or several blocks) back into blocks. */
  parseGeneration(text: string): ParsedGeneration;
  /** What the model writes to end its message ('' when it ends with the EOS token). */
  readonly endOfMessage: string;
  /** The strings a text-completion backend stops at: each ends a block the runner must act on. */
  readonly stopStrings: readonly string[];
}

export { SYNTAX_NAMES, type SyntaxName };

export const MATHCODER_SYNTAX: TrajectorySyntax = Object.freeze({
  name: 'mathcoder',
  render: renderConversation,
  parse: parseMathcoderConversation,
  renderBlocks,
  parseGeneration: parseMathcoderGeneration,
  endOfMessage: TOKENS.endOfMessage,
  stopStrings: [TOKENS.endOfBlock, TOKENS.endOfMessage],
});

function markdownSyntax(template: MarkdownTemplate): TrajectorySyntax {
  return Object.freeze({
    name: template.name,
    render: (conversation: Conversation) => renderMarkdownConversation(conversation, template),
    parse: (text: string) => parseMarkdownConversation(text, template),
    renderBlocks: renderMarkdownBlocks,
    parseGeneration: (text: string) => parseMarkdownGeneration(text, template),
    endOfMessage: template.endOfMessage,
    stopStrings: template.stopStrings,
  });
}

export const TORA_SYNTAX = markdownSyntax(TORA_TEMPLATE);
export const QWEN_SYNTAX = markdownSyntax(QWEN_TEMPLATE);

const SYNTAXES: Record<SyntaxName, TrajectorySyntax> = { mathcoder: MATHCODER_SYNTAX, tora: TORA_SYNTAX, qwen: QWEN_SYNTAX };

export function getSyntax(name: string): TrajectorySyntax {
  const syntax = SYNTAXES[name as SyntaxName];
  if (!syntax) throw new MathcoderError('input', `unknown syntax "${name}"; known: ${SYNTAX_NAMES.join(', ')}`);
  return syntax;
}
