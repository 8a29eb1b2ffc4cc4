import type { IsolationMethod, OutputLimits, ResourceLimits } from './types.js';

export interface SandboxOptions {
  /** The Python interpreter; found by discovery when absent. */
  readonly python?: string;
  /** `auto` takes the strongest isolation this machine allows (bwrap, then unshare, then none). */
  readonly isolation: 'auto' | IsolationMethod;
  /** Sessions kept forked and ready, so that a new problem does not wait for a fork. */
  readonly poolSize: number;
  /** The default wall-clock limit of a cell. */
  readonly timeoutMs: number;
  /** How long after its timeout a cell that ignores the interrupt is given before its process is killed. */
  readonly killGraceMs: number;
  readonly limits: ResourceLimits;
  readonly output: OutputLimits;
  /** After a kill, re-run the session's earlier successful cells so its variables come back. */
  readonly restoreStateAfterKill: boolean;
  /** How long the worker may take to import sympy/numpy/IPython and report ready. */
  readonly startTimeoutMs: number;
  /**
   * `auto`: a cgroup per session where the machine allows it, else a watchdog over the private memory of each
   * session's processes; `watchdog` forces the watchdog (to test it on machines with cgroups).
   */
  readonly memoryEnforcement: 'auto' | 'watchdog';
  /** The longest message a session may send; a longer one ends the session (its output is cut far below). */
  readonly maxMessageBytes: number;
}

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

export const DEFAULT_SANDBOX_OPTIONS: SandboxOptions = Object.freeze({
  isolation: 'auto',
  poolSize: 2,
  timeoutMs: 10_000,
  killGraceMs: 2_000,
  limits: Object.freeze({ memoryBytes: 2 * GiB, addressSpaceBytes: null, cpuSeconds: 600, processes: 64, fileSizeBytes: 64 * MiB, openFiles: 256, tmpBytes: 256 * MiB }),
  output: Object.freeze({ maxChars: 16_000, headChars: 8_000, tailChars: 8_000 }),
  restoreStateAfterKill: false,
  startTimeoutMs: 120_000,
  memoryEnforcement: 'auto',
  maxMessageBytes: 64 * MiB,
});

/** ToRA's truncation of execution output: the first 200 and the last 200 characters. */
export const TORA_OUTPUT_LIMITS: OutputLimits = Object.freeze({ maxChars: 400, headChars: 200, tailChars: 200 });

/** MathCoder's kernel kept every character. */
export const UNLIMITED_OUTPUT: OutputLimits = Object.freeze({ maxChars: null, headChars: 0, tailChars: 0 });

export type SandboxOptionsInput = Partial<Omit<SandboxOptions, 'limits' | 'output'>> & {
  readonly limits?: Partial<ResourceLimits>;
  readonly output?: Partial<OutputLimits>;
};

export function resolveSandboxOptions(input: SandboxOptionsInput = {}): SandboxOptions {
  return Object.freeze({
    ...DEFAULT_SANDBOX_OPTIONS,
    ...input,
    limits: Object.freeze({ ...DEFAULT_SANDBOX_OPTIONS.limits, ...input.limits }),
    output: Object.freeze({ ...DEFAULT_SANDBOX_OPTIONS.output, ...input.output }),
  });
}
