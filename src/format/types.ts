/** A block of an assistant (or system/user) message: reasoning text, Python code, or its execution output. */
export type BlockType = 'text' | 'code' | 'execution';

export const BLOCK_TYPES: readonly BlockType[] = ['text', 'code', 'execution'];

export interface Block {
  readonly type: BlockType;
  readonly content: string;
}

export type Role = 'system' | 'user' | 'assistant';

export const ROLES: readonly Role[] = ['system', 'user', 'assistant'];

export interface Message {
  readonly role: Role;
  readonly content: readonly Block[];
}

/**
 * A whole conversation as the model sees it. `open` is true when the last message has not been
 * ended yet: a prompt (the assistant message has just begun) or a trajectory still being written.
 */
export interface Conversation {
  readonly messages: readonly Message[];
  readonly open: boolean;
}

export function textBlock(content: string): Block {
  return { type: 'text', content };
}

export function codeBlock(content: string): Block {
  return { type: 'code', content };
}

export function executionBlock(content: string): Block {
  return { type: 'execution', content };
}

export function isBlockType(value: unknown): value is BlockType {
  return value === 'text' || value === 'code' || value === 'execution';
}

export function isRole(value: unknown): value is Role {
  return value === 'system' || value === 'user' || value === 'assistant';
}
