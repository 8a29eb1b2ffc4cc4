import type { BackendInfo, Sampling } from './types.js';

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

export interface ToolDefinition {
  readonly name: string;
  readonly description: string;
  /** JSON Schema of the arguments object. */
  readonly parameters: Record<string, unknown>;
}

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

/** The python tool: one argument, the code to run in the problem's stateful kernel. */
export const PYTHON_TOOL: ToolDefinition = Object.freeze({
  name: 'python',
  description:
    'Runs Python code in a stateful Jupyter kernel (variables persist between calls; sympy and numpy are installed) and returns what it prints, the value of its last expression, or the error.',
  parameters: {
    type: 'object',
    properties: { code: { type: 'string', description: 'The Python code to run.' } },
    required: ['code'],
  },
});

/** The code of a python tool call, or null when its arguments are not `{"code": "..."}`. */
export function toolCallCode(call: ToolCall): string | null {
  try {
    const parsed = JSON.parse(call.arguments) as unknown;
    if (parsed && typeof parsed === 'object' && typeof (parsed as { code?: unknown }).code === 'string') return (parsed as { code: string }).code;
  } catch {
    // Not JSON: reported to the model as an error.
  }
  return null;
}
