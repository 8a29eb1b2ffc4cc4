import { z } from 'zod';
import { chatStep } from './replay-chat-script.js';
import { ReplayError } from './replay-script.js';
import type { ReplayContext, ReplayProtocol, ReplayReply } from './replay-routes.js';
import { checkModel, checkWindow, openAIErrorBody, parseRequest } from './openai-completions-protocol.js';

/**
 * The OpenAI chat-completions protocol with tool calling: the replayed model answers each request with the
 * published trajectory's next text as `content` and its next code block as a `python` tool call
 * (`finish_reason: tool_calls`), and with its last text and `finish_reason: stop` at the end.
 */
const chatRequest = z.object({
  model: z.string().optional(),
  messages: z
    .array(
      z.looseObject({
        role: z.enum(['system', 'user', 'assistant', 'tool']),
        content: z.string().nullable().optional(),
        tool_calls: z.array(z.looseObject({ id: z.string(), type: z.literal('function'), function: z.object({ name: z.string(), arguments: z.string() }) })).nullable().optional(),
        tool_call_id: z.string().optional(),
      }),
    )
    .min(1),
  tools: z.array(z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string() }) })).optional(),
  max_tokens: z.number().int().positive().optional(),
  max_completion_tokens: z.number().int().positive().optional(),
  stream: z.boolean().optional(),
});

function chatCompletions(body: unknown, context: ReplayContext): ReplayReply {
  const request = parseRequest(chatRequest, body);
  checkModel(request.model, context);
  if (request.stream) throw new ReplayError(400, 'this stand-in answers chat requests without streaming; send stream: false');
  if (!request.tools?.some((tool) => tool.function.name === 'python')) throw new ReplayError(400, 'the replayed model solves problems with a `python` tool; offer it in `tools`');
  const count = (text: string | null | undefined) => context.vocabulary.count(text ?? '', false);
  const promptTokens = request.messages.reduce((sum, message) => sum + count(message.content) + (message.tool_calls ?? []).reduce((calls, call) => calls + count(call.function.arguments), 0), 0);
  const maxTokens = request.max_completion_tokens ?? request.max_tokens ?? 0;
  checkWindow(promptTokens, maxTokens, context);
  const step = chatStep(context.index, request.messages);
  const callId = `call_${request.messages.length}`;
  let content = step.content;
  let code = step.code;
  let finishReason = code === null ? 'stop' : 'tool_calls';
  const contentTokens = context.vocabulary.tokenize(content ?? '');
  if (maxTokens > 0 && contentTokens.length > maxTokens) {
    content = contentTokens.slice(0, maxTokens).map((token) => token.text).join('');
    code = null;
    finishReason = 'length';
  }
  const argumentsText = code === null ? null : JSON.stringify({ code });
  const message = {
    role: 'assistant',
    content,
    ...(argumentsText === null ? {} : { tool_calls: [{ id: callId, type: 'function', function: { name: 'python', arguments: argumentsText } }] }),
  };
  const completionTokens = Math.min(contentTokens.length, maxTokens || Infinity) + (argumentsText === null ? 0 : count(argumentsText));
  return {
    status: 200,
    json: {
      id: `chatcmpl-replay-${Date.now().toString(36)}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: context.model,
      choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
      usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
    },
  };
}

function models(_body: unknown, context: ReplayContext): ReplayReply {
  return { status: 200, json: { object: 'list', data: [{ id: context.model, object: 'model', created: 0, owned_by: 'mathcoder-replay' }] } };
}

export const OPENAI_CHAT_PROTOCOL: ReplayProtocol = {
  routes: { 'POST /v1/chat/completions': chatCompletions, 'GET /v1/models': models },
  errorBody: openAIErrorBody,
};
