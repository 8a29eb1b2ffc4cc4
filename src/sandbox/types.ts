/**
 * The sandbox's plain types: a Sandbox hands out stateful sessions (one per problem); a session runs cells
 * and answers each with a typed CellResult. Failing user code is data (status `error`); only a sandbox that
 * cannot work at all throws.
 */

export type CellStatus = 'ok' | 'error' | 'timeout' | 'killed';

export interface StreamChunk {
  readonly name: 'stdout' | 'stderr';
  readonly text: string;
}

export interface CellError {
  /** The exception's class name, e.g. `NameError`. */
  readonly name: string;
  readonly value: string;
  /** IPython's traceback parts (Jupyter's `traceback` list), without colour codes. */
  readonly traceback: readonly string[];
}

export interface CellResult {
  /**
   * `ok`; `error`: the cell raised; `timeout`: the cell was interrupted at its time limit and the session kept
   * its variables; `killed`: the cell ignored the interrupt (or the process died) and the session was restarted.
   */
  readonly status: CellStatus;
  /** IPython's execution count of this cell (`In[n]`). */
  readonly executionCount: number;
  /** What the cell printed, stdout and stderr in the order written. */
  readonly streams: readonly StreamChunk[];
  /** The `text/plain` display of the last expression statement, if any. */
  readonly result: string | null;
  /** The text/plain of what the cell displayed with display() (figures, explicit displays): Jupyter's display_data. */
  readonly displays: readonly string[];
  readonly error: CellError | null;
  /** Output past the limit was cut (head and tail kept). */
  readonly truncated: boolean;
  /** Characters the cell printed, before truncation. */
  readonly outputChars: number;
  readonly durationMs: number;
  /** The session was restarted: variables defined before this cell are gone. */
  readonly stateLost: boolean;
  /** A note from the sandbox (why a cell was killed). */
  readonly message: string | null;
}

export interface RunOptions {
  /** Wall-clock limit for this cell; defaults to the sandbox's. */
  readonly timeoutMs?: number;
  /** Aborting kills the running cell (as a timeout that does not wait). */
  readonly signal?: AbortSignal;
}

export interface SandboxSession {
  readonly id: string;
  /** Runs one cell; cells of a session run one at a time, in call order. */
  run(code: string, options?: RunOptions): Promise<CellResult>;
  /** Ends the session: its process is stopped and its working directory removed. */
  close(): Promise<void>;
  readonly closed: boolean;
}

export type IsolationMethod = 'bwrap' | 'unshare' | 'none';

/** What isolation was in force, stated in every result's metadata. */
export interface IsolationInfo {
  readonly method: IsolationMethod;
  /** `none`: the session has no network interface but loopback; `host`: it can reach the network. */
  readonly network: 'none' | 'host';
  /** `read-only`: only the session's working directory (and a private /tmp) is writable. */
  readonly filesystem: 'read-only' | 'host';
  /** `per-session-uid`: each session runs as a uid of its own (process limits per session, strays killed by uid). */
  readonly user: 'per-session-uid' | 'current-user';
  readonly limits: ResourceLimits;
}

export interface ResourceLimits {
  readonly memoryBytes: number | null;
  readonly cpuSeconds: number | null;
  /** Only enforced with a per-session uid (RLIMIT_NPROC counts all of a uid's processes, and is ignored for root). */
  readonly processes: number | null;
  readonly fileSizeBytes: number | null;
  readonly openFiles: number | null;
}

export interface OutputLimits {
  /** Output past this many characters is cut to head + tail; `null` keeps everything (as MathCoder's kernel did). */
  readonly maxChars: number | null;
  readonly headChars: number;
  readonly tailChars: number;
}

export interface PythonInfo {
  readonly executable: string;
  readonly python: string;
  readonly sympy: string;
  readonly numpy: string;
  readonly ipython: string;
}

export interface SandboxInfo {
  readonly python: PythonInfo;
  readonly isolation: IsolationInfo;
}

export interface Sandbox {
  readonly info: SandboxInfo;
  createSession(): Promise<SandboxSession>;
  /** Sessions created and not yet closed (warm ones waiting in the pool are not counted). */
  readonly activeSessions: number;
  close(): Promise<void>;
}
