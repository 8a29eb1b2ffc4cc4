import { MathcoderError } from '../errors.js';
import type { DialectDescription } from './dialect.js';
import { HARMONY_SYNTAX } from './harmony-syntax.js';
import { QWEN_STATELESS_SYNTAX, QWEN_SYNTAX, TORA_SYNTAX } from './markdown-syntax.js';
import { MATHCODER_SYNTAX } from './mathcoder-syntax.js';
import { HERMES_SYNTAX, OPENMATH_SYNTAX, RETOOL_SYNTAX } from './tagged-syntax.js';
import { SYNTAX_NAMES, type PromptSettings, type SyntaxName, type TrajectorySyntax } from './trajectory-syntax.js';

export { SYNTAX_NAMES, type PromptSettings, type ProgramRequest, type SyntaxName, type TrajectorySyntax } from './trajectory-syntax.js';
export { MATHCODER_SYNTAX } from './mathcoder-syntax.js';
export { QWEN_STATELESS_SYNTAX, QWEN_SYNTAX, TORA_SYNTAX } from './markdown-syntax.js';
export { HERMES_SYNTAX, OPENMATH_SYNTAX, RETOOL_SYNTAX } from './tagged-syntax.js';
export { HARMONY_SYNTAX } from './harmony-syntax.js';

const SYNTAXES: Record<SyntaxName, TrajectorySyntax> = {
  mathcoder: MATHCODER_SYNTAX,
  tora: TORA_SYNTAX,
  qwen: QWEN_SYNTAX,
  'qwen-stateless': QWEN_STATELESS_SYNTAX,
  openmath: OPENMATH_SYNTAX,
  hermes: HERMES_SYNTAX,
  harmony: HARMONY_SYNTAX,
  retool: RETOOL_SYNTAX,
};

export function isSyntaxName(name: string): name is SyntaxName {
  return (SYNTAX_NAMES as readonly string[]).includes(name);
}

export function getSyntax(name: string): TrajectorySyntax {
  if (!isSyntaxName(name)) throw new MathcoderError('input', `unknown syntax "${name}"; known: ${SYNTAX_NAMES.join(', ')}`);
  return SYNTAXES[name];
}

/**
 * What a run's manifest records of its dialect: sources, stops, the execution budget and what follows it, the
 * truncation, state and output style, with the cell time limit the run used.
 */
export function dialectRecord(name: SyntaxName, cellTimeoutMs: number | null): DialectDescription {
  const { description } = getSyntax(name);
  return { ...description, execution: { ...description.execution, timeoutMs: cellTimeoutMs ?? description.execution.timeoutMs } };
}

/** The prompt settings of a run: the caller's system text when given (null: none), else the dialect's own. */
export function promptSettingsFor(name: SyntaxName, system?: string | null): PromptSettings {
  const defaults = getSyntax(name).promptDefaults;
  return system === undefined ? defaults : { ...defaults, system };
}
