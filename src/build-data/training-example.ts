import { z } from 'zod';
import type { ModelIdentity } from '../eval/run-manifest.js';
import { escapeSpecialTokens, toTrainRow, trainRowSchema, type Message } from '../format/index.js';
import { MathcoderError } from '../errors.js';
import { PYTHON_TOOL } from '../llm/chat-types.js';
import type { CellStatus } from '../sandbox/types.js';
import { CHAT_SYSTEM_PROMPT } from '../solve/solve-options.js';
import type { TrajectoryBlock } from '../solve/types.js';
import type { AttemptRecord, SamplingSettings, SolveSettings } from './solution-attempt.js';

/**
 * A kept solution as a training example: a train_80k row (`messages` of system, user and the assistant's
 * text/code/execution blocks, SPEC 3.1) with its provenance beside it: which model wrote it with which prompt and
 * sampling, from which seed problems, when. `data clean` and `data export` read these rows.
 */
export type ExampleSource = 'gsm8k' | 'math' | 'interpolation';

export interface TrainPrompt {
  /** The system message of the training rows (MathCoder's "Below is a math problem…"); null for none. */
  readonly system: string | null;
  /** Appended to the question in the user message, as the released inference does ("\n"). */
  readonly querySuffix: string;
}

export interface InterpolationProvenance {
  readonly teacher: ModelReference;
  readonly prompt: string;
  readonly reply: string;
  readonly sampling: { readonly temperature: number; readonly topP: number; readonly seed: number };
  readonly judge: { readonly vsGsm8k: string; readonly vsMath: string } | null;
  readonly time: string;
}

export interface ModelReference {
  readonly role: 'teacher' | 'student';
  readonly backend: string;
  readonly name: string;
  readonly url?: string;
  readonly sha256?: string;
}

export interface Provenance {
  readonly stage: 'd0' | 'd1';
  /** The model that wrote the solution. */
  readonly model: ModelReference;
  /**
   * What that model was given besides the question: a chat model's system message and its tool, or a completion
   * model's prompt format, system text and query suffix.
   */
  readonly prompt:
    | { readonly kind: 'chat'; readonly system: string; readonly tools: readonly string[] }
    | { readonly kind: 'completion'; readonly syntax: string; readonly system: string | null; readonly querySuffix: string };
  readonly sampling: { readonly temperature: number; readonly topP: number; readonly seed: number };
  readonly sample: number;
  /** The seed problems the example comes from (one for D0, the GSM8K and MATH pair for D1). */
  readonly seedProblems: readonly string[];
  readonly interpolation?: InterpolationProvenance;
  readonly startedAt: string;
  readonly finishedAt: string;
}

export interface TrainingExample {
  readonly id: string;
  readonly messages: ReturnType<typeof toTrainRow>['messages'];
  readonly question: string;
  readonly source: ExampleSource;
  readonly answer: string;
  /** The dataset's reference answer (D0); null for interpolated problems, which have none. */
  readonly reference: string | null;
  readonly level?: number;
  readonly subject?: string;
  /** The status of each execution block, in order. */
  readonly executions: readonly CellStatus[];
  readonly provenance: Provenance;
}

export function modelReference(role: ModelReference['role'], model: ModelIdentity): ModelReference {
  return { role, backend: model.backend, name: model.name, ...(model.url ? { url: model.url } : {}), ...(model.file ? { sha256: model.file.sha256 } : {}) };
}

/** The assistant blocks as training text: special-token strings a model wrote are escaped so the row renders. */
function assistantBlocks(blocks: readonly TrajectoryBlock[]): Message['content'] {
  return blocks.map((block) => ({ type: block.type, content: block.type === 'execution' ? block.content : escapeSpecialTokens(block.content) }));
}

export interface ExampleInput {
  readonly attempt: AttemptRecord;
  readonly source: ExampleSource;
  readonly reference: string | null;
  readonly answer: string;
  readonly level?: number;
  readonly subject?: string;
  readonly train: TrainPrompt;
  readonly model: ModelReference;
  readonly settings: { readonly solve: SolveSettings; readonly sampling: SamplingSettings };
  readonly stage: Provenance['stage'];
  readonly seedProblems: readonly string[];
  readonly interpolation?: InterpolationProvenance;
}

export function trainingExample(input: ExampleInput): TrainingExample {
  const { attempt, train, settings } = input;
  const messages: Message[] = [];
  if (train.system !== null) messages.push({ role: 'system', content: [{ type: 'text', content: train.system }] });
  messages.push({ role: 'user', content: [{ type: 'text', content: escapeSpecialTokens(attempt.question) + train.querySuffix }] });
  messages.push({ role: 'assistant', content: assistantBlocks(attempt.blocks) });
  return {
    id: `${input.stage}/${attempt.key}`,
    messages: toTrainRow({ messages, open: false }).messages,
    question: attempt.question,
    source: input.source,
    answer: input.answer,
    reference: input.reference,
    ...(input.level === undefined ? {} : { level: input.level }),
    ...(input.subject === undefined ? {} : { subject: input.subject }),
    executions: attempt.blocks.filter((block) => block.type === 'execution').map((block) => block.execution?.status ?? 'error'),
    provenance: {
      stage: input.stage,
      model: input.model,
      prompt:
        input.model.backend === 'openai-chat'
          ? { kind: 'chat', system: settings.solve.chatSystem ?? CHAT_SYSTEM_PROMPT, tools: [PYTHON_TOOL.name] }
          : { kind: 'completion', syntax: settings.solve.syntax, system: settings.solve.system, querySuffix: settings.solve.querySuffix },
      sampling: { temperature: settings.sampling.temperature, topP: settings.sampling.topP, seed: attempt.seed },
      sample: attempt.sample,
      seedProblems: input.seedProblems,
      ...(input.interpolation ? { interpolation: input.interpolation } : {}),
      startedAt: attempt.started_at,
      finishedAt: attempt.time,
    },
  };
}

const exampleSchema = trainRowSchema.extend({
  id: z.string(),
  question: z.string(),
  source: z.string(),
  executions: z.array(z.enum(['ok', 'error', 'timeout', 'killed'])).optional(),
});

/** A row read back from a kept/cleaned file: a train_80k row with at least an id and a question. */
export function parseTrainingExample(value: unknown, where: string): TrainingExample {
  const result = exampleSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new MathcoderError('input', `${where}: not a mathcoder training example (field ${issue.path.join('.') || '(row)'}: ${issue.message}); give rows written by \`mathcoder data d0/d1/clean\``);
  }
  return result.data as unknown as TrainingExample;
}
