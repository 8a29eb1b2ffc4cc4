import { z } from 'zod';
import { MathcoderError } from '../../errors.js';
import { BACKEND_FAILURE } from '../backend-errors.js';
import type { ChatBackend, ChatMessage, ChatRequest, ChatResponse } from '../chat-types.js';
import type { BackendInfo } from '../types.js';
import { requestJson, type HttpOptions } from './http-request.js';
import { serverUrls } from './server-url.js';

/**
 * An OpenAI-compatible `/v1/chat/completions` server with tool calling (OpenAI, vLLM with a tool parser,
 * llama-server with --jinja, …). The model gets one tool, `python`, and solves the problem by calling it.
 */
export interface OpenAIChatOptions extends HttpOptions {
  readonly baseUrl: string;
  readonly model?: string;
  /** The model's context window (the loop's estimate stops before it); 128k when not given. */
  readonly contextSize?: number;
}

const toolCallSchema = z.looseObject({
  id: z.string(),
  function: z.looseObject({ name: z.string(), arguments: z.string() }),
});
const responseSchema = z.looseObject({
  choices: z
    .array(
      z.looseObject({
        message: z.looseObject({ content: z.string().nullable().optional(), tool_calls: z.array(toolCallSchema).nullable().optional() }),
        finish_reason: z.string().nullable().optional(),
      }),
    )
    .min(1),
  usage: z.looseObject({ prompt_tokens: z.number(), completion_tokens: z.number() }).nullable().optional(),
});
const modelsSchema = z.looseObject({ data: z.array(z.looseObject({ id: z.string() })) });

function wireMessage(message: ChatMessage): Record<string, unknown> {
  if (message.role === 'tool') return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
  if (message.role !== 'assistant') return { role: message.role, content: message.content };
  return {
    role: 'assistant',
    content: message.content,
    ...(message.toolCalls.length > 0
      ? { tool_calls: message.toolCalls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } })) }
      : {}),
  };
}

export class OpenAIChatBackend implements ChatBackend {
  readonly protocol = 'chat';

  private constructor(
    readonly info: BackendInfo,
    private readonly options: OpenAIChatOptions,
    private readonly url: string,
  ) {}

  static async connect(options: OpenAIChatOptions): Promise<OpenAIChatBackend> {
    const urls = serverUrls(options.baseUrl);
    // Asked even when the model is named: a server that cannot be reached, or refuses the key, fails here, before any work.
    const listed = modelsSchema.safeParse(await requestJson(`${urls.v1}/models`, undefined, options, undefined, true));
    const model = options.model ?? (listed.success ? listed.data.data[0]?.id : undefined);
    if (model === undefined) throw new MathcoderError('input', `${urls.v1}/models names no model; give the chat model with --model`);
    const info: BackendInfo = { kind: 'openai-chat', model, contextSize: options.contextSize ?? 128_000, bos: false, specialTokenIds: null, details: { baseUrl: urls.v1 } };
    return new OpenAIChatBackend(info, options, `${urls.v1}/chat/completions`);
  }

  async chat(request: ChatRequest): Promise<ChatResponse> {
    const started = performance.now();
    const body = {
      model: this.info.model,
      messages: request.messages.map(wireMessage),
      // A request without tools (a plain question) sends neither field: OpenAI refuses `tool_choice` without `tools`.
      ...(request.tools.length === 0
        ? {}
        : {
            tools: request.tools.map((tool) => ({ type: 'function', function: { name: tool.name, description: tool.description, parameters: tool.parameters } })),
            tool_choice: 'auto',
          }),
      max_tokens: request.maxTokens,
      temperature: request.sampling.temperature,
      top_p: request.sampling.topP,
      ...(request.sampling.seed === undefined ? {} : { seed: request.sampling.seed }),
    };
    const answer = responseSchema.safeParse(await requestJson(this.url, body, this.options, request.signal));
    if (!answer.success) throw new MathcoderError(BACKEND_FAILURE, `${this.url} answered with something that is not a chat completion`);
    const choice = answer.data.choices[0]!;
    const toolCalls = (choice.message.tool_calls ?? []).map((call) => ({ id: call.id, name: call.function.name, arguments: call.function.arguments }));
    return {
      content: choice.message.content ?? null,
      toolCalls,
      finishReason: choice.finish_reason ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop'),
      promptTokens: answer.data.usage?.prompt_tokens ?? null,
      completionTokens: answer.data.usage?.completion_tokens ?? null,
      durationMs: performance.now() - started,
    };
  }

  async close(): Promise<void> {}
}
