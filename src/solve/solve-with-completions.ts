import { escapeSpecialTokens, getSyntax, promptConversation, type TrajectorySyntax } from '../format/index.js';
import { appendExecution, assistantBlocks, stopBelongsToModel, stopEndsBlock } from '../llm/transcript.js';
import type { CompletionBackend, Generation } from '../llm/types.js';
import type { Sandbox } from '../sandbox/types.js';
import { CodeRunner } from './code-runner.js';
import { GenerationStream } from './generation-stream.js';
import { LoopDetector } from './loop-detector.js';
import { solveResult, stopForError } from './loop-outcome.js';
import { ProblemDeadline } from './problem-deadline.js';
import { TrajectoryRecorder } from './trajectory-recorder.js';
import type { ExecutionRecord, SolveOptions, SolveResult, StopReason } from './types.js';

/** Whether the loop ends after a generation call: the message ended, EOS, or a token limit set by the context window. */
function stopAfterGeneration(syntax: TrajectorySyntax, generation: Generation, endOfMessage: boolean, windowLimited: boolean): StopReason | null {
  if (endOfMessage) return 'finished';
  if (generation.finishReason === 'eos') return syntax.endOfMessage === '' ? 'finished' : 'eos';
  if (generation.finishReason === 'length') return windowLimited ? 'context_overflow' : null;
  if (generation.stop !== null && !stopEndsBlock(syntax, generation.stop)) return 'finished';
  return null;
}

/**
 * The generate-execute-continue loop over a completion backend (SPEC 1.7): render the prompt, generate until a
 * block ends, run a finished code block in the problem's sandbox session, append its output, and continue until
 * the model ends its message or a limit stops it.
 */
export async function solveWithCompletions(question: string, backend: CompletionBackend, sandbox: Sandbox, options: SolveOptions): Promise<SolveResult> {
  const syntax = getSyntax(options.syntax);
  const emit = options.onEvent ?? (() => {});
  const { limits } = options;
  const recorder = new TrajectoryRecorder(emit);
  const deadline = new ProblemDeadline(limits.deadlineMs, options.signal);
  const runner = new CodeRunner(sandbox, syntax.name === 'mathcoder' ? 'mathcoder' : 'tora', options.cellTimeoutMs);
  const loops = new LoopDetector(limits.loopRepeats);
  const prompt = syntax.render(promptConversation(escapeSpecialTokens(question), { ...options.prompt, bos: backend.info.bos }));
  let transcript = prompt;
  let rounds = 0;
  let stopReason: StopReason | null = null;
  let error: string | null = null;
  let promptTokens: number | null = null;
  let lastTokens: number | null = null;
  let generated = 0;
  let evaluated: number | null = 0;
  const session = await backend.openSession();
  const reread = (round: number, startMs: number, durationMs: number, execution?: ExecutionRecord) =>
    recorder.update(assistantBlocks(syntax, transcript.slice(prompt.length)), round, startMs, durationMs, execution);

  try {
    while (stopReason === null) {
      stopReason = deadline.stopReason();
      if (stopReason !== null) break;
      if (rounds >= limits.maxRounds) {
        stopReason = 'max_rounds';
        break;
      }
      let tokens: number;
      let maxTokens: number;
      let generation: Generation;
      const startMs = recorder.elapsedMs();
      const stream = new GenerationStream(syntax, rounds + 1, recorder.openBlockType, emit);
      try {
        // Counted before each call: a prompt that no longer fits ends the problem; it is never cut.
        tokens = await session.countTokens(transcript);
        promptTokens ??= tokens;
        lastTokens = tokens;
        const room = backend.info.contextSize - tokens;
        if (room <= 0) {
          stopReason = 'context_overflow';
          break;
        }
        rounds += 1;
        maxTokens = Math.min(limits.maxTokensPerBlock, room);
        generation = await session.generate({
          prompt: transcript,
          stop: syntax.stopStrings,
          maxTokens,
          sampling: options.sampling,
          signal: deadline.signal,
          onText: (delta) => stream.push(delta),
        });
      } catch (failure) {
        const stop = stopForError(failure, deadline);
        if (stop === null) throw failure;
        stopReason = stop.reason;
        error = stop.message;
        break;
      }
      stream.finish(generation.text);
      recorder.generationMs += generation.durationMs;
      generated += generation.generatedTokens;
      lastTokens = tokens + generation.generatedTokens;
      evaluated = evaluated === null || generation.evaluatedTokens === null ? null : evaluated + generation.evaluatedTokens;
      transcript += generation.text;
      if (generation.stop !== null && stopBelongsToModel(syntax, generation.stop)) transcript += generation.stop;
      reread(rounds, startMs, generation.durationMs);
      emit({ type: 'round-end', round: rounds });

      const parsed = syntax.parseGeneration(transcript.slice(prompt.length));
      stopReason = stopAfterGeneration(syntax, generation, parsed.endOfMessage, maxTokens < limits.maxTokensPerBlock);
      if (stopReason !== null || generation.finishReason === 'length') continue;

      const last = parsed.blocks.filter((block) => block.type !== 'text' || block.content.trim() !== '').at(-1);
      if (last?.type !== 'code' || !last.closed) {
        // A finished text block (MathCoder stops after every block); a Markdown model that stops without code is done.
        if (syntax.name !== 'mathcoder') stopReason = 'finished';
        continue;
      }
      if (loops.isLoop(last.content)) {
        stopReason = 'loop';
        break;
      }
      const run = await runner.run(last.content, deadline.remainingMs(), deadline.signal);
      recorder.executionMs += run.durationMs;
      const executionStart = recorder.elapsedMs() - run.durationMs;
      transcript = appendExecution(syntax, transcript, run.output);
      emit({ type: 'block-start', blockType: 'execution', round: rounds });
      emit({ type: 'block-text', blockType: 'execution', delta: run.output });
      reread(rounds, executionStart, run.durationMs, run.record);
    }
  } finally {
    await session.close();
    await runner.close();
    deadline.dispose();
  }

  return solveResult(
    { question, syntax: syntax.name, info: backend.info, stopReason: stopReason ?? 'finished', error, rounds, tokens: { prompt: promptTokens, generated, evaluated, total: lastTokens }, transcript },
    recorder,
  );
}
