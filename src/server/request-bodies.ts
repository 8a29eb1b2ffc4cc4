import { z } from 'zod';
import { SYSTEM_PROMPTS, type SystemPromptName } from '../format/index.js';
import type { SolveOptionsInput } from '../solve/index.js';
import { ApiError } from './api-error.js';

/** Limits on what one request may ask for, so one client cannot hold a slot for hours. */
export const REQUEST_LIMITS = { questionChars: 20_000, maxRounds: 64, maxTokens: 4096, codeChars: 100_000, setupCells: 64, cellTimeoutSeconds: 120 } as const;

const solveBodySchema = z.strictObject({
  question: z.string().trim().min(1, 'must not be empty').max(REQUEST_LIMITS.questionChars, `must be at most ${REQUEST_LIMITS.questionChars} characters`),
  stream: z.boolean().optional(),
  system: z.enum(Object.keys(SYSTEM_PROMPTS) as [SystemPromptName, ...SystemPromptName[]]).optional(),
  max_rounds: z.number().int().min(1).max(REQUEST_LIMITS.maxRounds).optional(),
  max_tokens: z.number().int().min(1).max(REQUEST_LIMITS.maxTokens).optional(),
  deadline_seconds: z.number().positive().max(3600).optional(),
  loop_repeats: z.number().int().min(0).optional(),
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().gt(0).max(1).optional(),
  seed: z.number().int().optional(),
});

const executeBodySchema = z.strictObject({
  code: z.string().max(REQUEST_LIMITS.codeChars, `must be at most ${REQUEST_LIMITS.codeChars} characters`),
  setup: z.array(z.string().max(REQUEST_LIMITS.codeChars)).max(REQUEST_LIMITS.setupCells, `takes at most ${REQUEST_LIMITS.setupCells} cells`).optional(),
  timeout_seconds: z.number().positive().max(REQUEST_LIMITS.cellTimeoutSeconds).optional(),
});

export interface SolveRequest {
  readonly question: string;
  readonly stream: boolean;
  readonly options: SolveOptionsInput;
}

export interface ExecuteRequest {
  readonly code: string;
  readonly setup: readonly string[];
  readonly timeoutMs: number | null;
}

/** A zod failure as one line: `field: what is wrong`. */
function invalidBody(error: z.ZodError, what: string, fields: string): ApiError {
  const issue = error.issues[0]!;
  if (issue.code === 'unrecognized_keys') return new ApiError(400, 'bad-request', `${what}: unknown field ${issue.keys.join(', ')} (it takes ${fields})`);
  const field = issue.path.join('.');
  if (field === '') return new ApiError(400, 'bad-request', `${what}: the body must be a JSON object (${fields})`);
  const expected = issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.code === 'invalid_value' ? `must be one of ${issue.values.join(', ')}` : issue.message;
  return new ApiError(400, 'bad-request', `${what}: field ${field} ${expected}`);
}

const SOLVE_FIELDS = 'question, stream, system, max_rounds, max_tokens, deadline_seconds, loop_repeats, temperature, top_p, seed';

/** POST /v1/solve's body, as solve options (defaults: the released code's greedy limits); `cellTimeoutMs` from the server. */
export function parseSolveBody(body: unknown, cellTimeoutMs: number): SolveRequest {
  const result = solveBodySchema.safeParse(body);
  if (!result.success) throw invalidBody(result.error, 'POST /v1/solve', SOLVE_FIELDS);
  const value = result.data;
  return {
    question: value.question,
    stream: value.stream ?? false,
    options: {
      ...(value.system === undefined ? {} : { prompt: { system: SYSTEM_PROMPTS[value.system] } }),
      limits: {
        ...(value.max_rounds === undefined ? {} : { maxRounds: value.max_rounds }),
        ...(value.max_tokens === undefined ? {} : { maxTokensPerBlock: value.max_tokens }),
        ...(value.deadline_seconds === undefined ? {} : { deadlineMs: value.deadline_seconds * 1000 }),
        ...(value.loop_repeats === undefined ? {} : { loopRepeats: value.loop_repeats === 0 ? null : value.loop_repeats }),
      },
      sampling: { temperature: value.temperature ?? 0, topP: value.top_p ?? 1, ...(value.seed === undefined ? {} : { seed: value.seed }) },
      cellTimeoutMs,
    },
  };
}

/** POST /v1/execute's body: the cell to run and the cells to replay before it. */
export function parseExecuteBody(body: unknown): ExecuteRequest {
  const result = executeBodySchema.safeParse(body);
  if (!result.success) throw invalidBody(result.error, 'POST /v1/execute', 'code, setup, timeout_seconds');
  const value = result.data;
  return { code: value.code, setup: value.setup ?? [], timeoutMs: value.timeout_seconds === undefined ? null : value.timeout_seconds * 1000 };
}
