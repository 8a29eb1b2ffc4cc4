import type { Block } from './types.js';

/** A block read back from raw model text, with what the parser had to assume. */
export interface ParsedBlock extends Block {
  /** The block ended with its terminator (`<|endofblock|>`, or a closing fence). */
  readonly closed: boolean;
  /** No type marker opened the block; it was taken as text. */
  readonly typeImplied: boolean;
}

/** What a parser makes of one generation (one or several blocks written by the model). */
export interface ParsedGeneration {
  readonly blocks: readonly ParsedBlock[];
  /** The model ended its message (`<|endofmessage|>`). */
  readonly endOfMessage: boolean;
  /** Special tokens that did not fit the grammar (e.g. a role token inside an assistant message). */
  readonly strays: readonly string[];
  /** Text after the end of the message, which is ignored. */
  readonly trailing: string;
}
