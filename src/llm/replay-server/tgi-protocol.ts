import { z } from 'zod';
import { parseRequest } from './openai-completions-protocol.js';
import { continuationOf, ReplayError } from './replay-script.js';
import type { ReplayContext, ReplayProtocol, ReplayReply } from './replay-routes.js';
import { BOS_ID, EOS_ID } from './replay-vocabulary.js';
import { simulateDecoding } from './simulated-decoding.js';

/**
 * Hugging Face text-generation-inference: `POST /generate` (stop sequences matched on the text with special
 * tokens, `generated_text` decoded with the special tokens skipped, `details.tokens` listing every token with
 * its `special` flag, TGI's input validation messages), `GET /info`, `POST /tokenize` (BOS included).
 */
const generateRequest = z.object({
  inputs: z.string(),
  parameters: z
    .looseObject({
      max_new_tokens: z.number().int().positive().nullable().optional(),
      stop: z.array(z.string()).optional(),
      details: z.boolean().optional(),
      truncate: z.number().int().nullable().optional(),
      do_sample: z.boolean().optional(),
    })
    .optional(),
});

const tokenizeRequest = z.object({ inputs: z.string() });

function maxInputTokens(context: ReplayContext): number {
  return context.contextSize - 1;
}

function generate(body: unknown, context: ReplayContext): ReplayReply {
  const request = parseRequest(generateRequest, body);
  const parameters = request.parameters ?? {};
  if (parameters.truncate != null) {
    throw new ReplayError(422, 'Input validation error: `truncate` was sent; TGI would cut the start of the prompt (the question) silently, so this stand-in refuses it');
  }
  const maxNewTokens = parameters.max_new_tokens ?? 100;
  const inputTokens = context.vocabulary.count(request.inputs, true);
  if (inputTokens > maxInputTokens(context)) {
    throw new ReplayError(422, `Input validation error: \`inputs\` must have less than ${maxInputTokens(context)} tokens. Given: ${inputTokens}`);
  }
  if (inputTokens + maxNewTokens > context.contextSize) {
    throw new ReplayError(
      422,
      `Input validation error: \`inputs\` tokens + \`max_new_tokens\` must be <= ${context.contextSize}. Given: ${inputTokens} \`inputs\` tokens and ${maxNewTokens} \`max_new_tokens\``,
    );
  }
  const continuation = continuationOf(context.index, request.inputs);
  const decoded = simulateDecoding(context.vocabulary.tokenize(continuation.text), {
    maxTokens: maxNewTokens,
    stopStrings: parameters.stop ?? [],
    stopTokenIds: [],
    skipSpecialTokens: false,
    spacesBetweenSpecialTokens: false,
    includeStopStringInOutput: true,
  });
  const endedByEos = decoded.finishReason === 'stop' && decoded.stopReason === null;
  const tokens = [...decoded.tokens, ...(endedByEos ? [{ id: EOS_ID, text: '</s>', special: true }] : [])];
  const finishReason = decoded.finishReason === 'length' ? 'length' : endedByEos ? 'eos_token' : 'stop_sequence';
  const generatedText = tokens
    .filter((token) => !token.special)
    .map((token) => token.text)
    .join('');
  const details = {
    finish_reason: finishReason,
    generated_tokens: tokens.length,
    seed: null,
    prefill: [],
    tokens: tokens.map((token) => ({ id: token.id, text: token.text, logprob: 0, special: token.special })),
  };
  return { status: 200, json: { generated_text: generatedText, ...(parameters.details ? { details } : {}) } };
}

function info(_body: unknown, context: ReplayContext): ReplayReply {
  return {
    status: 200,
    json: { model_id: context.model, max_input_tokens: maxInputTokens(context), max_input_length: maxInputTokens(context), max_total_tokens: context.contextSize, version: 'mathcoder-replay' },
  };
}

function tokenize(body: unknown, context: ReplayContext): ReplayReply {
  const request = parseRequest(tokenizeRequest, body);
  let offset = 0;
  const tokens = context.vocabulary.tokenize(request.inputs).map((token) => {
    const entry = { id: token.id, text: token.text, start: offset, stop: offset + token.text.length };
    offset += token.text.length;
    return entry;
  });
  return { status: 200, json: [{ id: BOS_ID, text: '<s>', start: 0, stop: 0 }, ...tokens] };
}

export const TGI_PROTOCOL: ReplayProtocol = {
  routes: { 'POST /generate': generate, 'GET /info': info, 'POST /tokenize': tokenize },
  errorBody: (status, message) => ({ error: message, error_type: status === 422 ? 'validation' : 'generation' }),
};
