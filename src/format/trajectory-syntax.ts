import type { DialectDescription, ExecutionPolicy } from './dialect.js';
import type { ParsedBlock, ParsedGeneration } from './parsed-generation.js';
import type { AssistantSegment } from './runner-frame.js';
import type { Block, Conversation } from './types.js';
import { SYNTAX_NAMES, type SyntaxName } from './syntax-names.js';

export { SYNTAX_NAMES, type SyntaxName };

/** The system text and what follows the question in the user message (the dialect's own unless a caller sets them). */
export interface PromptSettings {
  /** The system text; `null` leaves the system (or harmony developer) message out. */
  readonly system: string | null;
  readonly querySuffix: string;
}

/** What a code block asks the runner to do: run a program, or answer without running (a malformed tool call). */
export type ProgramRequest = { readonly code: string } | { readonly reply: string };

/**
 * One interface over the dialects, so the solve loop, the replay server and the trainers run every model the same
 * way. The first six members are the text format; the rest say how a runner takes part in the trajectory.
 */
export interface TrajectorySyntax {
  readonly name: SyntaxName;
  /** The exact text of a conversation (a prompt when its last, assistant, message is open and empty). */
  render(conversation: Conversation): string;
  /** The inverse of render. */
  parse(text: string): Conversation;
  /** The text of blocks appended to an open assistant message (executions framed as the runner frames its first). */
  renderBlocks(blocks: readonly Block[]): string;
  /** Reads what a model generated (one or several blocks, and any runner frames between them) back into blocks. */
  parseGeneration(text: string): ParsedGeneration;
  /** What the model writes to end its message ('' when it ends with the EOS token). */
  readonly endOfMessage: string;
  /** The strings a text-completion backend stops at: each ends a block the runner must act on, or the message. */
  readonly stopStrings: readonly string[];

  /** Sources, stops and the execution policy, for the README and the run manifest. */
  readonly description: DialectDescription;
  readonly execution: ExecutionPolicy;
  /** The dialect's own system text and query suffix. */
  readonly promptDefaults: PromptSettings;
  /** The exact prompt a model continues to solve `question` (its control-token text neutralised). */
  prompt(question: string, settings: PromptSettings): string;
  /** Neutralises the dialect's control-token text in text a model will read (execution output, questions). */
  escape(text: string): string;
  /** Whether a stop string is the model's own text (kept in the transcript) or the start of what the runner writes. */
  stopBelongsToModel(stop: string): boolean;
  /** Whether a stop string ends a code block for the runner to act on (rather than the model's message). */
  stopEndsBlock(stop: string): boolean;
  /** MathCoder stops after every block and goes on after a text block; in the other dialects a text without code ends the message. */
  readonly continuesAfterText: boolean;
  /** The transcript after the runner writes the `index`-th (1-based) program's output. */
  appendExecution(transcript: string, output: string, index: number): string;
  /** The blocks of an assistant message's text, without the runner's layout. */
  assistantBlocks(assistantText: string): ParsedBlock[];
  /** An assistant message's text as model text and runner frames (the replay server swaps the outputs). */
  segments(assistantText: string): AssistantSegment[];
  /**
   * What a finished code block runs: its program (extracted from the block as the dialect's runner does), in the
   * light of `transcript` (everything the model has read, for dialects that re-run earlier programs).
   */
  program(code: string, transcript: string): ProgramRequest;
}
