import { SYSTEM_PROMPTS } from '../format/prompt.js';
import { getSyntax, promptSettingsFor, type PromptSettings, type SyntaxName } from '../format/syntax.js';
import { DEFAULT_SANDBOX_OPTIONS } from '../sandbox/options.js';
import type { SandboxFlagValues } from './sandbox-flags.js';
import type { SolveFlagValues } from './solve-flags.js';

/**
 * What a run takes from its dialect when a flag leaves it out: the system text and query suffix, the cell time
 * limit. Loaded when a command runs (the dialects are not needed to show its help).
 */

/** The system text and query suffix of a run: --system when given, else the dialect's own. */
export function promptSettings(flags: Pick<SolveFlagValues, 'system'>, syntax: SyntaxName): PromptSettings {
  return promptSettingsFor(syntax, flags.system === undefined ? undefined : SYSTEM_PROMPTS[flags.system]);
}

/** The cell time limit of a run: the flag, else the dialect's own, else the sandbox's default. */
export function cellTimeoutMs(flags: Pick<SandboxFlagValues, 'cellTimeout'>, syntax?: SyntaxName): number {
  if (flags.cellTimeout !== undefined) return flags.cellTimeout * 1000;
  return (syntax === undefined ? null : getSyntax(syntax).execution.timeoutMs) ?? DEFAULT_SANDBOX_OPTIONS.timeoutMs;
}
