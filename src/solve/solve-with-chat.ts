import { BAD_TOOL_CALL, escapeSpecialTokens, MATHCODER_SYNTAX, type Block } from '../format/index.js';
import { PYTHON_TOOL, toolCallCode, type ChatBackend, type ChatMessage, type ChatResponse } from '../llm/chat-types.js';
import type { Sandbox } from '../sandbox/types.js';
import { CodeRunner } from './code-runner.js';
import { LoopDetector } from './loop-detector.js';
import { solveResult, stopForError } from './loop-outcome.js';
import { ProblemDeadline } from './problem-deadline.js';
import { CHAT_SYSTEM_PROMPT } from './solve-options.js';
import { TrajectoryRecorder } from './trajectory-recorder.js';
import type { ExecutionRecord, SolveOptions, SolveResult, StopReason } from './types.js';

/** Chat servers count tokens; between calls the loop estimates the tool outputs it adds at 3 bytes a token. */
const BYTES_PER_TOKEN_ESTIMATE = 3;

/**
 * The loop over a chat model with a `python` tool (a GPT-4 Code Interpreter-style run): the assistant's text is
 * a text block, each tool call a code block run in the problem's sandbox session, each result an execution
 * block, so the trajectory has the same shape as a MathCoder one.
 */
export async function solveWithChat(question: string, backend: ChatBackend, sandbox: Sandbox, options: SolveOptions): Promise<SolveResult> {
  const emit = options.onEvent ?? (() => {});
  const { limits } = options;
  const recorder = new TrajectoryRecorder(emit);
  const deadline = new ProblemDeadline(limits.deadlineMs, options.signal);
  const runner = new CodeRunner(sandbox, MATHCODER_SYNTAX.execution, escapeSpecialTokens, options.cellTimeoutMs);
  const loops = new LoopDetector(limits.loopRepeats);
  const messages: ChatMessage[] = [
    { role: 'system', content: options.chatSystem ?? CHAT_SYSTEM_PROMPT },
    { role: 'user', content: question },
  ];
  const blocks: Array<Block & { closed: boolean }> = [];
  let rounds = 0;
  let stopReason: StopReason | null = null;
  let error: string | null = null;
  let promptTokens: number | null = null;
  let usedTokens: number | null = null;
  let addedBytes = 0;
  let generated = 0;

  const addBlock = (block: Block, startMs: number, durationMs: number, execution?: ExecutionRecord, closed = true) => {
    emit({ type: 'block-start', blockType: block.type, round: rounds });
    emit({ type: 'block-text', blockType: block.type, delta: block.content });
    blocks.push({ ...block, closed });
    recorder.update(blocks, rounds, startMs, durationMs, execution);
  };
  /** A text cut by the token limit is continued by the next answer's text. */
  const continueText = (content: string, startMs: number, durationMs: number, closed: boolean) => {
    const last = blocks[blocks.length - 1]!;
    emit({ type: 'block-text', blockType: 'text', delta: content });
    blocks[blocks.length - 1] = { type: 'text', content: last.content + content, closed };
    recorder.update(blocks, rounds, startMs, durationMs);
  };

  try {
    while (stopReason === null) {
      stopReason = deadline.stopReason() ?? (rounds >= limits.maxRounds ? 'max_rounds' : null);
      if (stopReason !== null) break;
      if (usedTokens !== null && usedTokens + Math.ceil(addedBytes / BYTES_PER_TOKEN_ESTIMATE) >= backend.info.contextSize) {
        stopReason = 'context_overflow';
        break;
      }
      rounds += 1;
      const startMs = recorder.elapsedMs();
      let response: ChatResponse;
      try {
        response = await backend.chat({ messages, tools: [PYTHON_TOOL], maxTokens: limits.maxTokensPerBlock, sampling: options.sampling, signal: deadline.signal });
      } catch (failure) {
        const stop = stopForError(failure, deadline);
        if (stop === null) throw failure;
        stopReason = stop.reason;
        error = stop.message;
        break;
      }
      recorder.generationMs += response.durationMs;
      generated += response.completionTokens ?? 0;
      promptTokens ??= response.promptTokens;
      usedTokens = response.promptTokens === null ? null : response.promptTokens + (response.completionTokens ?? 0);
      addedBytes = 0;
      messages.push({ role: 'assistant', content: response.content, toolCalls: response.toolCalls });
      const cut = response.finishReason === 'length' && response.toolCalls.length === 0;
      const lastBlock = blocks[blocks.length - 1];
      if (response.content !== null && response.content !== '') {
        if (lastBlock?.type === 'text' && !lastBlock.closed) continueText(response.content, startMs, response.durationMs, !cut);
        else if (response.content.trim() !== '') addBlock({ type: 'text', content: response.content }, startMs, response.durationMs, undefined, !cut);
      }
      emit({ type: 'round-end', round: rounds });
      if (response.toolCalls.length === 0) {
        // A cut answer (`length`) is continued by the next call; anything else is the model's final answer.
        if (!cut) stopReason = 'finished';
        continue;
      }
      for (const call of response.toolCalls) {
        const code = call.name === PYTHON_TOOL.name ? toolCallCode(call) : null;
        addBlock({ type: 'code', content: code ?? call.arguments }, startMs, response.durationMs);
        if (code !== null && loops.isLoop(code)) {
          stopReason = 'loop';
          break;
        }
        const run = code === null ? null : await runner.run(code, deadline.remainingMs(), deadline.signal);
        const output = run?.output ?? escapeSpecialTokens(BAD_TOOL_CALL);
        if (run) recorder.executionMs += run.durationMs;
        addBlock({ type: 'execution', content: output }, recorder.elapsedMs() - (run?.durationMs ?? 0), run?.durationMs ?? 0, run?.record);
        messages.push({ role: 'tool', toolCallId: call.id, content: output });
        addedBytes += Buffer.byteLength(output);
      }
    }
  } finally {
    await runner.close();
    deadline.dispose();
  }
  return solveResult(
    {
      question,
      syntax: 'chat',
      info: backend.info,
      stopReason: stopReason ?? 'finished',
      error,
      rounds,
      tokens: { prompt: promptTokens, generated, evaluated: null, total: usedTokens },
      transcript: null,
    },
    recorder,
  );
}
