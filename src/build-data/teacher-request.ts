import { getSyntax, promptConversation, type SyntaxName } from '../format/index.js';
import type { ModelBackend } from '../llm/create-backend.js';
import type { Sampling } from '../llm/types.js';

/**
 * One plain question to a model, without tools (the interpolation and judge prompts): a chat model gets it as
 * the user message; a completion model (a MathCoder model, embedded or served) gets it as the user message of its
 * own prompt format and writes one reply up to the end of its message.
 */
export interface TeacherReply {
  readonly text: string;
  /** `stop`, `length` (cut by the token limit), or what else the server said. */
  readonly finishReason: string;
}

export interface TeacherRequest {
  readonly prompt: string;
  readonly maxTokens: number;
  readonly sampling: Sampling;
  /** The prompt format of a completion model. */
  readonly syntax: SyntaxName;
  readonly signal?: AbortSignal;
}

export async function askTeacher(backend: ModelBackend, request: TeacherRequest): Promise<TeacherReply> {
  if (backend.protocol === 'chat') {
    const response = await backend.chat({
      messages: [{ role: 'user', content: request.prompt }],
      tools: [],
      maxTokens: request.maxTokens,
      sampling: request.sampling,
      ...(request.signal ? { signal: request.signal } : {}),
    });
    return { text: response.content ?? '', finishReason: response.finishReason };
  }
  const syntax = getSyntax(request.syntax);
  const session = await backend.openSession();
  try {
    const prompt = syntax.render(promptConversation(request.prompt, { system: null, querySuffix: '', bos: backend.info.bos }));
    const generation = await session.generate({
      prompt,
      stop: syntax.endOfMessage === '' ? [] : [syntax.endOfMessage],
      maxTokens: request.maxTokens,
      sampling: request.sampling,
      ...(request.signal ? { signal: request.signal } : {}),
    });
    const text = syntax
      .parseGeneration(generation.text)
      .blocks.filter((block) => block.type === 'text')
      .map((block) => block.content)
      .join('\n');
    return { text, finishReason: generation.finishReason === 'length' ? 'length' : 'stop' };
  } finally {
    await session.close();
  }
}
