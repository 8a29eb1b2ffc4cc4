import { pythonCallCode, type ToolDefinition } from '../format/index.js';
import type { BackendInfo, Sampling } from './types.js';

export { PYTHON_TOOL, type ToolDefinition } from '../format/index.js';

/**
 * A chat model with tool calling (OpenAI `/v1/chat/completions`). It solves a problem by calling a `python`
 * tool; the solve loop maps each tool call to a code block and its result to an execution block.
 */

export interface ToolCall {
  readonly id: string;
  readonly name: string;
  /** The arguments as the model wrote them (a JSON object text). */
  readonly arguments: string;
}

export type ChatMessage =
  | { readonly role: 'system' | 'user'; readonly content: string }
  | { readonly role: 'assistant'; readonly content: string | null; readonly toolCalls: readonly ToolCall[] }
  | { readonly role: 'tool'; readonly toolCallId: string; readonly content: string };

export interface ChatRequest {
  readonly messages: readonly ChatMessage[];
  readonly tools: readonly ToolDefinition[];
  readonly maxTokens: number;
  readonly sampling: Sampling;
  readonly signal?: AbortSignal;
}

export interface ChatResponse {
  readonly content: string | null;
  readonly toolCalls: readonly ToolCall[];
  /** `stop`, `tool_calls`, `length`, or what else the server said. */
  readonly finishReason: string;
  readonly promptTokens: number | null;
  readonly completionTokens: number | null;
  readonly durationMs: number;
}

export interface ChatBackend {
  readonly protocol: 'chat';
  readonly info: BackendInfo;
  chat(request: ChatRequest): Promise<ChatResponse>;
  close(): Promise<void>;
}

/** The code of a python tool call, or null when its arguments are not `{"code": "..."}`. */
export function toolCallCode(call: ToolCall): string | null {
  return pythonCallCode(call.arguments);
}
