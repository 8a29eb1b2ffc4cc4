import { z } from 'zod';
import { settledLength } from '../stop-strings.js';
import { continuationOf, ReplayError } from './replay-script.js';
import type { ReplayContext, ReplayProtocol, ReplayReply } from './replay-routes.js';
import { simulateDecoding } from './simulated-decoding.js';

/**
 * The OpenAI completions protocol as vLLM serves it: `POST /v1/completions` with vLLM's extra sampling fields and
 * their defaults (`max_tokens` 16, `skip_special_tokens` true, `spaces_between_special_tokens` true,
 * `include_stop_str_in_output` false, `add_special_tokens` true), `stop_reason` in each choice, streaming with
 * `stream_options.include_usage`; `GET /v1/models` with `max_model_len`; `POST /tokenize`.
 */
const completionRequest = z.object({
  model: z.string().optional(),
  prompt: z.string({ error: 'prompt must be text (this stand-in does not take token ids)' }),
  max_tokens: z.number().int().positive().optional(),
  n: z.number().int().positive().max(16).optional(),
  stream: z.boolean().optional(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).optional(),
  stop: z.union([z.string(), z.array(z.string())]).optional(),
  stop_token_ids: z.array(z.number().int()).optional(),
  skip_special_tokens: z.boolean().optional(),
  spaces_between_special_tokens: z.boolean().optional(),
  include_stop_str_in_output: z.boolean().optional(),
  add_special_tokens: z.boolean().optional(),
  temperature: z.number().optional(),
  top_p: z.number().optional(),
  seed: z.number().optional(),
});

const tokenizeRequest = z.object({
  prompt: z.string().optional(),
  content: z.string().optional(),
  add_special_tokens: z.boolean().optional(),
  add_special: z.boolean().optional(),
});

export function parseRequest<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ReplayError(400, `${issue.path.join('.') || 'body'}: ${issue.message}`);
  }
  return parsed.data;
}

export function checkModel(requested: string | undefined, context: ReplayContext): void {
  if (requested !== undefined && requested !== context.model) throw new ReplayError(404, `The model \`${requested}\` does not exist.`);
}

/** vLLM's answer when prompt and completion do not fit the window. */
export function checkWindow(promptTokens: number, maxTokens: number, context: ReplayContext): void {
  if (promptTokens + maxTokens > context.contextSize) {
    throw new ReplayError(
      400,
      `This model's maximum context length is ${context.contextSize} tokens. However, you requested ${promptTokens + maxTokens} tokens ` +
        `(${promptTokens} in the messages, ${maxTokens} in the completion). Please reduce the length of the messages or completion.`,
    );
  }
}

function completions(body: unknown, context: ReplayContext): ReplayReply {
  const request = parseRequest(completionRequest, body);
  checkModel(request.model, context);
  const maxTokens = request.max_tokens ?? 16;
  const promptTokens = context.vocabulary.count(request.prompt, request.add_special_tokens ?? true);
  checkWindow(promptTokens, maxTokens, context);
  const continuation = continuationOf(context.index, request.prompt);
  const stopStrings = request.stop === undefined ? [] : typeof request.stop === 'string' ? [request.stop] : request.stop;
  const decoded = simulateDecoding(context.vocabulary.tokenize(continuation.text), {
    maxTokens,
    stopStrings,
    stopTokenIds: request.stop_token_ids ?? [],
    skipSpecialTokens: request.skip_special_tokens ?? true,
    spacesBetweenSpecialTokens: request.spaces_between_special_tokens ?? true,
    includeStopStringInOutput: request.include_stop_str_in_output ?? false,
  });
  const n = request.n ?? 1;
  const work = { problem: continuation.question, promptTokens, generatedTokens: decoded.tokens.length * n };
  const usage = { prompt_tokens: promptTokens, completion_tokens: decoded.tokens.length * n, total_tokens: promptTokens + decoded.tokens.length * n };
  const id = `cmpl-replay-${Date.now().toString(36)}`;
  const created = Math.floor(Date.now() / 1000);
  const finish = { finish_reason: decoded.finishReason, stop_reason: decoded.stopReason };
  if (!request.stream) {
    const choices = Array.from({ length: n }, (_, index) => ({ index, text: decoded.text, logprobs: null, ...finish }));
    return { status: 200, json: { id, object: 'text_completion', created, model: context.model, choices, usage }, work };
  }
  const events: string[] = [];
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => JSON.stringify({ id, object: 'text_completion', created, model: context.model, choices, ...extra });
  let sent = 0;
  for (const text of decoded.steps.slice(0, -1)) {
    // Text that could still become a stop string is held back, as vLLM's detokenizer does.
    const settled = settledLength(text, stopStrings);
    if (settled <= sent) continue;
    events.push(chunk(Array.from({ length: n }, (_, index) => ({ index, text: text.slice(sent, settled), logprobs: null, finish_reason: null, stop_reason: null }))));
    sent = settled;
  }
  events.push(chunk(Array.from({ length: n }, (_, index) => ({ index, text: decoded.text.slice(sent), logprobs: null, ...finish }))));
  if (request.stream_options?.include_usage) events.push(chunk([], { usage }));
  events.push('[DONE]');
  return { status: 200, events, work };
}

function models(_body: unknown, context: ReplayContext): ReplayReply {
  return {
    status: 200,
    json: { object: 'list', data: [{ id: context.model, object: 'model', created: 0, owned_by: 'mathcoder-replay', max_model_len: context.contextSize }] },
  };
}

function tokenize(body: unknown, context: ReplayContext): ReplayReply {
  const request = parseRequest(tokenizeRequest, body);
  const text = request.prompt ?? request.content ?? '';
  const bos = request.add_special_tokens ?? request.add_special ?? true;
  const tokens = [...(bos ? [1] : []), ...context.vocabulary.tokenize(text).map((token) => token.id)];
  return { status: 200, json: { count: tokens.length, max_model_len: context.contextSize, tokens } };
}

export function openAIErrorBody(status: number, message: string): unknown {
  return { object: 'error', message, type: status === 404 ? 'NotFoundError' : 'BadRequestError', param: null, code: status };
}

export const OPENAI_COMPLETIONS_PROTOCOL: ReplayProtocol = {
  routes: { 'POST /v1/completions': completions, 'GET /v1/models': models, 'POST /tokenize': tokenize },
  errorBody: openAIErrorBody,
};
