import { getSyntax, type TrajectorySyntax } from '../format/index.js';
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
  if (generation.stop !== null && !syntax.stopEndsBlock(generation.stop)) return 'finished';
  return null;
}

/**
 * The generate-execute-continue loop over a completion backend (SPEC 1.7): render the prompt, generate until a
 * block ends, run a finished code block as the dialect's runner does (its session, output style, budget and
 * notices), append its output, and continue until the model ends its message or a limit stops it.
 */
export async function solveWithCompletions(question: string, backend: CompletionBackend, sandbox: Sandbox, options: SolveOptions): Promise<SolveResult> {
  const syntax = getSyntax(options.syntax);
  const emit = options.onEvent ?? (() => {});
  const { limits } = options;
  const recorder = new TrajectoryRecorder(emit);
  const deadline = new ProblemDeadline(limits.deadlineMs, options.signal);
  const policy = syntax.execution;
  const runner = new CodeRunner(sandbox, policy, syntax.escape, options.cellTimeoutMs);
  const loops = new LoopDetector(limits.loopRepeats);
  const prompt = syntax.prompt(question, options.prompt);
  let executions = 0;
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
    recorder.update(syntax.assistantBlocks(transcript.slice(prompt.length)), round, startMs, durationMs, execution);

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
      if (generation.stop !== null && syntax.stopBelongsToModel(generation.stop)) transcript += generation.stop;
      reread(rounds, startMs, generation.durationMs);
      emit({ type: 'round-end', round: rounds });

      const parsed = syntax.parseGeneration(transcript.slice(prompt.length));
      stopReason = stopAfterGeneration(syntax, generation, parsed.endOfMessage, maxTokens < limits.maxTokensPerBlock);
      if (stopReason !== null || generation.finishReason === 'length') continue;

      const last = parsed.blocks.filter((block) => block.type !== 'text' || block.content.trim() !== '').at(-1);
      if (last?.type !== 'code' || !last.closed || (policy.skipCodeAfterBoxed && generation.text.includes('boxed'))) {
        // A finished text block (MathCoder stops after every block); in the other dialects a message without code is done.
        if (!syntax.continuesAfterText) stopReason = 'finished';
        continue;
      }
      if (policy.maxExecutions !== null && executions >= policy.maxExecutions) {
        // Code written after the budget is spent is not run (NeMo-Skills ends the loop there).
        stopReason = 'max_executions';
        break;
      }
      if (loops.isLoop(last.content)) {
        stopReason = 'loop';
        break;
      }
      const request = syntax.program(last.content, transcript.trimEnd());
      const run = 'code' in request ? await runner.run(request.code, deadline.remainingMs(), deadline.signal) : null;
      const output = run?.output ?? syntax.escape('reply' in request ? request.reply : '');
      const durationMs = run?.durationMs ?? 0;
      executions += 1;
      recorder.executionMs += durationMs;
      const executionStart = recorder.elapsedMs() - durationMs;
      transcript = syntax.appendExecution(transcript, output, executions);
      emit({ type: 'block-start', blockType: 'execution', round: rounds });
      emit({ type: 'block-text', blockType: 'execution', delta: output });
      reread(rounds, executionStart, durationMs, run?.record);
      // Qwen2.5-Math appends its notice after the last allowed output and stops there.
      if (policy.maxExecutions !== null && executions >= policy.maxExecutions && policy.afterBudget === 'stop') stopReason = 'max_executions';
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
