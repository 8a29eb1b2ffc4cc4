import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Duplex } from 'node:stream';
import { MathcoderError } from '../errors.js';
import { currentProcess } from '../util/process-identity.js';
import { createSandboxCgroups, removeSandboxCgroups, removeStaleCgroups, type SandboxCgroups } from './cgroups.js';
import { chooseIsolation, workerLaunch } from './isolation.js';
import { JsonLinesChannel } from './json-lines-channel.js';
import { resolveSandboxOptions, type SandboxOptions, type SandboxOptionsInput } from './options.js';
import { discoverPythonWithPaths, sandboxEnvironment } from './python-discovery.js';
import { PythonSession } from './python-session.js';
import { SessionProcess } from './session-process.js';
import { OWNER_FILE, SANDBOX_FOLDER_PREFIX, removeStaleSandboxFolders } from './stale-folders.js';
import type { IsolationInfo, IsolationMethod, Sandbox, SandboxInfo, SandboxSession } from './types.js';

/** The zygote's script (its folder holds the modules it imports). */
export const WORKER_SCRIPT = fileURLToPath(new URL('./python/sandbox_worker.py', import.meta.url));
/** The zygote's own messages are small; anything longer is a broken worker. */
const CONTROL_MAX_LINE_BYTES = 1024 * 1024;
/** A fork waits for the zygote at most this long (generous: a busy machine forks slowly, a dead one never). */
const FORK_TIMEOUT_MS = 120_000;

interface PendingFork {
  readonly token: string;
  readonly resolve: (process: SessionProcess) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export interface StartOptions extends SandboxOptionsInput {
  /** The PATH searched for python3 (the caller passes process.env.PATH). */
  readonly pathVariable?: string;
}

interface WorkerReady {
  readonly versions: Record<string, string>;
  readonly ownUids: boolean;
  readonly namespaces: boolean;
  readonly memory: IsolationInfo['memory'];
}

function describeIsolation(method: IsolationMethod, ready: WorkerReady, options: SandboxOptions): IsolationInfo {
  return {
    method,
    network: method === 'none' ? 'host' : 'none',
    filesystem: method === 'bwrap' ? 'minimal' : method === 'unshare' ? 'host-read-only' : 'host',
    user: ready.ownUids ? 'per-session-uid' : 'current-user',
    processes: ready.namespaces ? 'per-session-namespace' : 'host',
    tmp: ready.namespaces ? 'private' : 'host',
    memory: ready.memory,
    limits: {
      ...options.limits,
      processes: ready.ownUids || ready.memory.startsWith('cgroup') ? options.limits.processes : null,
      tmpBytes: ready.namespaces ? options.limits.tmpBytes : null,
      addressSpaceBytes: options.limits.addressSpaceBytes ?? options.limits.memoryBytes,
    },
  };
}

/**
 * A pool of stateful Python sessions. One worker process (the zygote) imports and warms sympy, numpy and
 * IPython once; every session is a fork of it, so a new session is ready in milliseconds. Each session has a
 * connection of its own to this process, made by the zygote before the fork; the zygote's control channel only
 * forks, kills and reports exits.
 *
 * Nothing a session sends can hurt this process: a malformed, forged, oversized or partial message ends that
 * session (its cell comes back `killed`, with the reason) and every other session goes on.
 */
export class PythonSandbox implements Sandbox {
  readonly info: SandboxInfo;
  readonly options: SandboxOptions;
  /** Where sessions connect (a folder only this process's user may enter; never visible inside a session). */
  readonly socketPath: string;
  private readonly pendingForks = new Map<string, PendingFork>();
  private readonly processes = new Map<string, SessionProcess>();
  private readonly warm: SessionProcess[] = [];
  private readonly sessions = new Set<PythonSession>();
  private refilling = 0;
  private forkCounter = 0;
  private closing = false;
  private workerExit: string | null = null;

  private constructor(
    info: SandboxInfo,
    options: SandboxOptions,
    private readonly worker: ChildProcess,
    private readonly control: JsonLinesChannel,
    private readonly server: Server,
    private readonly socketDir: string,
    private readonly cgroups: SandboxCgroups | null,
    private readonly stderrTail: () => string,
  ) {
    this.info = info;
    this.options = options;
    this.socketPath = join(socketDir, 'sessions.sock');
    control.onMessage((message) => this.onControlMessage(message));
    control.onProtocolError((reason) => {
      this.workerExit = `its worker ${reason}`;
      worker.kill('SIGKILL');
    });
    server.on('connection', (socket: Socket) => this.onConnection(socket));
  }

  static async start(input: StartOptions = {}): Promise<PythonSandbox> {
    const options = resolveSandboxOptions(input);
    const python = discoverPythonWithPaths({ ...(options.python === undefined ? {} : { python: options.python }), ...(input.pathVariable === undefined ? {} : { path: input.pathVariable }) });
    const method = chooseIsolation(options.isolation);
    removeStaleSandboxFolders(tmpdir());
    removeStaleCgroups();
    const owner = currentProcess();
    // Only this process's user (root, where sessions get uids of their own) may enter the folder of the socket.
    const socketDir = mkdtempSync(join(tmpdir(), SANDBOX_FOLDER_PREFIX));
    writeFileSync(join(socketDir, OWNER_FILE), JSON.stringify(owner));
    const cgroups = options.memoryEnforcement === 'auto' ? createSandboxCgroups(owner) : null;
    const socketPath = join(socketDir, 'sessions.sock');
    const server = createServer();
    const cleanup = () => {
      server.close();
      rmSync(socketDir, { recursive: true, force: true });
      removeSandboxCgroups(cgroups);
    };
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(socketPath, () => resolve());
      });
    } catch (error) {
      cleanup();
      throw new MathcoderError('sandbox', `cannot listen on ${socketPath}: ${(error as Error).message}`, { cause: error });
    }
    const launch = workerLaunch(method, {
      python: python.executable,
      pythonPaths: python.paths,
      workerScript: WORKER_SCRIPT,
      workerDir: dirname(WORKER_SCRIPT),
      socketDir,
      hostWorkroot: join(socketDir, 'work'),
      cgroups,
      tmpBytes: 64 * 1024 * 1024,
    });
    const isRoot = process.getuid?.() === 0;
    const uidBase = isRoot ? 1_000_000 + randomInt(0, 1_000_000) * 1024 : 0;
    const args = [...launch.args, '--control-fd', '3', '--socket', socketPath, '--workroot', launch.workroot, '--uid-base', String(uidBase), ...launch.cgroupArgs];
    const worker = spawn(launch.command, args, {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
      env: sandboxEnvironment('/tmp'),
      detached: false,
    });
    let stderr = '';
    worker.stderr!.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    const control = new JsonLinesChannel(worker.stdio[3] as Duplex, { maxLineBytes: CONTROL_MAX_LINE_BYTES });
    let ready: Record<string, unknown>;
    try {
      ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
        const timer = setTimeout(() => reject(new MathcoderError('sandbox', `the Python sandbox did not start within ${options.startTimeoutMs / 1000} s`)), options.startTimeoutMs);
        control.onMessage((message) => {
          if (message.op === 'ready') {
            clearTimeout(timer);
            resolve(message);
          }
        });
        control.onProtocolError((reason) => {
          clearTimeout(timer);
          reject(new MathcoderError('sandbox', `the Python sandbox ${reason} while starting`));
        });
        worker.once('exit', (code, signal) => {
          clearTimeout(timer);
          const detail = stderr.trim().split('\n').slice(-1)[0] ?? '';
          reject(new MathcoderError('sandbox', `the Python sandbox exited while starting (${signal ?? `code ${code}`})${detail ? `: ${detail}` : ''}`));
        });
        worker.once('error', (error) => {
          clearTimeout(timer);
          reject(new MathcoderError('sandbox', `cannot start the Python sandbox (${launch.command}): ${error.message}`, { cause: error }));
        });
      });
    } catch (error) {
      worker.kill('SIGKILL');
      cleanup();
      throw error;
    }
    const versions = (ready.versions ?? {}) as Record<string, string>;
    const memory = ['cgroup-v1', 'cgroup-v2', 'watchdog', 'per-process'].includes(String(ready.memory)) ? (ready.memory as IsolationInfo['memory']) : 'per-process';
    const isolation = describeIsolation(method, { versions, ownUids: ready.ownUids === true, namespaces: ready.namespaces === true, memory }, options);
    const info: SandboxInfo = {
      python: {
        executable: python.executable,
        python: versions.python ?? python.python,
        sympy: versions.sympy ?? python.sympy,
        numpy: versions.numpy ?? python.numpy,
        ipython: versions.ipython ?? python.ipython,
      },
      isolation,
    };
    const sandbox = new PythonSandbox(info, options, worker, control, server, socketDir, cgroups, () => stderr);
    worker.on('exit', (code, signal) => sandbox.onWorkerExit(code, signal));
    sandbox.refill();
    return sandbox;
  }

  get activeSessions(): number {
    return this.sessions.size;
  }

  /** Live session processes, warm ones included (for tests that check nothing leaks). */
  get liveProcesses(): number {
    return this.processes.size;
  }

  async createSession(): Promise<SandboxSession> {
    if (this.closing) throw new MathcoderError('sandbox', 'the sandbox is closed');
    const process = this.warm.shift() ?? (await this.forkProcess());
    this.refill();
    const session = new PythonSession(`session-${process.sid}`, process, this, this.options);
    this.sessions.add(session);
    return session;
  }

  /** A fresh session process; used for new sessions and to replace a killed one. */
  forkProcess(): Promise<SessionProcess> {
    if (this.workerExit !== null) {
      return Promise.reject(new MathcoderError('sandbox', `the Python sandbox worker has exited (${this.workerExit})`));
    }
    this.forkCounter += 1;
    const sid = `${this.forkCounter}`;
    const token = randomBytes(16).toString('hex');
    return new Promise<SessionProcess>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingForks.delete(sid);
        this.control.send({ op: 'kill', sid });
        reject(new MathcoderError('sandbox', `a Python session did not start within ${FORK_TIMEOUT_MS / 1000} s`));
      }, FORK_TIMEOUT_MS);
      this.pendingForks.set(sid, { token, resolve, reject, timer });
      const { memoryBytes, addressSpaceBytes, cpuSeconds, processes, fileSizeBytes, openFiles, tmpBytes } = this.options.limits;
      this.control.send({
        op: 'fork',
        sid,
        token,
        limits: { memoryBytes, addressSpaceBytes: addressSpaceBytes ?? memoryBytes, cpuSeconds, processes, fileSizeBytes, openFiles, tmpBytes, output: this.options.output },
      });
    });
  }

  /** Kills a session process (with everything it started). */
  killProcess(process: SessionProcess): void {
    this.control.send({ op: 'kill', sid: process.sid });
  }

  /** Called by a session when it is closed. */
  sessionClosed(session: PythonSession): void {
    this.sessions.delete(session);
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await Promise.allSettled([...this.sessions].map((session) => session.close()));
    for (const process of this.warm.splice(0)) process.channel.close();
    const exited = new Promise<void>((resolve) => {
      if (this.worker.exitCode !== null || this.worker.signalCode !== null) resolve();
      else this.worker.once('exit', () => resolve());
    });
    this.control.send({ op: 'shutdown' });
    const timer = setTimeout(() => this.worker.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
    this.server.close();
    rmSync(this.socketDir, { recursive: true, force: true });
    removeSandboxCgroups(this.cgroups);
  }

  private refill(): void {
    while (!this.closing && this.workerExit === null && this.warm.length + this.refilling < this.options.poolSize) {
      this.refilling += 1;
      this.forkProcess()
        .then((process) => {
          if (this.closing) process.channel.close();
          else this.warm.push(process);
        })
        .catch(() => undefined)
        .finally(() => {
          this.refilling -= 1;
        });
    }
  }

  private onControlMessage(message: Record<string, unknown>): void {
    const sid = String(message.sid ?? '');
    if (message.op === 'fork-failed') {
      const pending = this.pendingForks.get(sid);
      if (pending) {
        this.pendingForks.delete(sid);
        clearTimeout(pending.timer);
        pending.reject(new MathcoderError('sandbox', `cannot fork a Python session: ${String(message.error)}`));
      }
    } else if (message.op === 'exited') {
      const process = this.processes.get(sid);
      this.processes.delete(sid);
      const warmIndex = process ? this.warm.indexOf(process) : -1;
      if (warmIndex >= 0) this.warm.splice(warmIndex, 1);
      if (process && message.reason === 'memory') {
        process.setExitReason(`the session went over its memory limit (${formatBytes(this.options.limits.memoryBytes)} for all of its processes) and was killed`);
      }
      process?.markExited(typeof message.code === 'number' ? message.code : null);
      const pending = this.pendingForks.get(sid);
      if (pending) {
        this.pendingForks.delete(sid);
        clearTimeout(pending.timer);
        pending.reject(new MathcoderError('sandbox', `a Python session exited while starting: ${this.stderrTail().trim().split('\n').slice(-1)[0] ?? ''}`));
      }
    }
  }

  /** A session's connection (made by the session before its own code runs, or by the zygote before the fork): its
   * first line names the session and proves it with the token only the fork request carried. */
  private onConnection(socket: Socket): void {
    socket.on('error', () => undefined);
    const channel = new JsonLinesChannel(socket, { maxLineBytes: this.options.maxMessageBytes });
    let greeted = false;
    const timer = setTimeout(() => {
      if (!greeted) channel.fail('said nothing');
    }, FORK_TIMEOUT_MS);
    channel.onClose(() => clearTimeout(timer));
    channel.onMessage((message) => {
      if (greeted) return;
      greeted = true;
      clearTimeout(timer);
      const sid = String(message.sid ?? '');
      const pending = this.pendingForks.get(sid);
      if (message.op !== 'hello' || !pending || pending.token !== message.token) {
        channel.fail('did not say hello with a pending session and its token');
        return;
      }
      this.pendingForks.delete(sid);
      clearTimeout(pending.timer);
      const process = new SessionProcess(sid, channel, (broken) => this.killProcess(broken));
      this.processes.set(sid, process);
      pending.resolve(process);
    });
  }

  private onWorkerExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.workerExit ??= signal ?? `code ${code}`;
    for (const [sid, pending] of this.pendingForks) {
      clearTimeout(pending.timer);
      pending.reject(new MathcoderError('sandbox', `the Python sandbox worker exited (${this.workerExit})`));
      this.pendingForks.delete(sid);
    }
    // Session processes already forked live on (they talk to this process directly) until they are closed.
  }
}

function formatBytes(bytes: number | null): string {
  if (bytes === null) return 'no limit';
  const GiB = 1024 ** 3;
  return bytes >= GiB ? `${+(bytes / GiB).toFixed(2)} GiB` : `${Math.round(bytes / 1024 ** 2)} MiB`;
}
