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

/** What isolation was in force, stated in every run's manifest and by every CLI run. */
export interface IsolationInfo {
  readonly method: IsolationMethod;
  /** `none`: the session has no network interface but loopback; `host`: it can reach the network. */
  readonly network: 'none' | 'host';
  /**
   * `minimal`: only system libraries, the interpreter's own folders and the worker's scripts are visible (all
   * read-only), with a private /tmp; `host-read-only`: the host's files are visible, writable only where the
   * session's own uid may write; `host`: the host's files as this process's user sees them.
   */
  readonly filesystem: 'minimal' | 'host-read-only' | 'host';
  /** `per-session-uid`: each session runs as a uid of its own (process limits per session, strays killed by uid). */
  readonly user: 'per-session-uid' | 'current-user';
  /** `per-session-namespace`: a session sees only its own processes and its strays end with it. */
  readonly processes: 'per-session-namespace' | 'host';
  /** `private`: each session has its own size-limited /tmp (and /dev/shm), gone when it ends. */
  readonly tmp: 'private' | 'host';
  /**
   * How memory is limited across all processes of a session: a cgroup per session, a watchdog over the private
   * memory of the session's processes, or only per process (RLIMIT_AS).
   */
  readonly memory: 'cgroup-v1' | 'cgroup-v2' | 'watchdog' | 'per-process';
  readonly limits: ResourceLimits;
}

export interface ResourceLimits {
  /** All processes of a session together (where `memory` is not `per-process`). */
  readonly memoryBytes: number | null;
  /** Each process's address space (RLIMIT_AS: a single allocation past it is a MemoryError); null: memoryBytes. */
  readonly addressSpaceBytes: number | null;
  readonly cpuSeconds: number | null;
  /** Per session: a pids cgroup, or RLIMIT_NPROC with a uid of its own; not enforced otherwise. */
  readonly processes: number | null;
  readonly fileSizeBytes: number | null;
  readonly openFiles: number | null;
  /** The size of a session's private /tmp (and it counts towards the memory limit under a cgroup). */
  readonly tmpBytes: number | null;
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
