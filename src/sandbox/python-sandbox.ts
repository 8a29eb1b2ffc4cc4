import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Duplex } from 'node:stream';
import { MathcoderError } from '../errors.js';
import { chooseIsolation, workerLaunch } from './isolation.js';
import { JsonLinesChannel } from './json-lines-channel.js';
import { resolveSandboxOptions, type SandboxOptions, type SandboxOptionsInput } from './options.js';
import { discoverPython, sandboxEnvironment } from './python-discovery.js';
import { PythonSession } from './python-session.js';
import { SessionProcess } from './session-process.js';
import type { IsolationInfo, Sandbox, SandboxInfo, SandboxSession } from './types.js';

const WORKER_SCRIPT = fileURLToPath(new URL('./python/sandbox_worker.py', import.meta.url));

interface PendingFork {
  readonly token: string;
  readonly resolve: (process: SessionProcess) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
  pid: number | null;
}

export interface StartOptions extends SandboxOptionsInput {
  /** The PATH searched for python3 (the caller passes process.env.PATH). */
  readonly pathVariable?: string;
}

/**
 * A pool of stateful Python sessions. One worker process (the zygote) imports and warms sympy, numpy and
 * IPython once; every session is a fork of it, so a new session is ready in milliseconds. Sessions talk to
 * this process over a Unix socket of their own; the zygote's control channel only forks and reaps.
 */
export class PythonSandbox implements Sandbox {
  readonly info: SandboxInfo;
  readonly options: SandboxOptions;
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
    private readonly stderrTail: () => string,
  ) {
    this.info = info;
    this.options = options;
    control.onMessage((message) => this.onControlMessage(message));
    server.on('connection', (socket: Socket) => this.onConnection(socket));
  }

  static async start(input: StartOptions = {}): Promise<PythonSandbox> {
    const options = resolveSandboxOptions(input);
    const python = discoverPython({ ...(options.python === undefined ? {} : { python: options.python }), ...(input.pathVariable === undefined ? {} : { path: input.pathVariable }) });
    const method = chooseIsolation(options.isolation);
    const socketDir = mkdtempSync(join(tmpdir(), 'mathcoder-sbx-'));
    chmodSync(socketDir, 0o755);
    const socketPath = join(socketDir, 'sessions.sock');
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => resolve());
    });
    chmodSync(socketPath, 0o777);
    const hostWorkroot = join(socketDir, 'work');
    const launch = workerLaunch(method, {
      python: python.executable,
      workerScript: WORKER_SCRIPT,
      workerDir: dirname(WORKER_SCRIPT),
      socketDir,
      hostWorkroot,
    });
    const isRoot = process.getuid?.() === 0;
    const uidBase = isRoot ? 1_000_000 + randomInt(0, 1_000_000) * 1024 : 0;
    const args = [...launch.args, '--control-fd', '3', '--socket', socketPath, '--workroot', launch.workroot, '--uid-base', String(uidBase)];
    const worker = spawn(launch.command, args, {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
      env: sandboxEnvironment('/tmp'),
      detached: false,
    });
    let stderr = '';
    worker.stderr!.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    const control = new JsonLinesChannel(worker.stdio[3] as Duplex);
    const cleanup = () => {
      server.close();
      rmSync(socketDir, { recursive: true, force: true });
    };
    let ready: Record<string, unknown>;
    try {
      ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
        const timer = setTimeout(() => reject(new MathcoderError('sandbox', `the Python sandbox did not start within ${options.startTimeoutMs} ms`)), options.startTimeoutMs);
        control.onMessage((message) => {
          if (message.op === 'ready') {
            clearTimeout(timer);
            resolve(message);
          }
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
    const ownUids = ready.ownUids === true;
    const versions = ready.versions as Record<string, string>;
    const isolation: IsolationInfo = {
      method,
      network: method === 'none' ? 'host' : 'none',
      filesystem: method === 'bwrap' ? 'read-only' : 'host',
      user: ownUids ? 'per-session-uid' : 'current-user',
      limits: { ...options.limits, processes: ownUids ? options.limits.processes : null },
    };
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
    const sandbox = new PythonSandbox(info, options, worker, control, server, socketDir, () => stderr);
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
        reject(new MathcoderError('sandbox', 'a Python session did not start within 30 s'));
      }, 30_000);
      this.pendingForks.set(sid, { token, resolve, reject, timer, pid: null });
      const { memoryBytes, cpuSeconds, processes, fileSizeBytes, openFiles } = this.options.limits;
      this.control.send({
        op: 'fork',
        sid,
        token,
        limits: { memoryBytes, cpuSeconds, processes, fileSizeBytes, openFiles, output: this.options.output },
      });
    });
  }

  /** Kills a session process (and, under a per-session uid, everything it started). */
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
    const timer = setTimeout(() => this.worker.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(timer);
    this.server.close();
    rmSync(this.socketDir, { recursive: true, force: true });
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
    if (message.op === 'forked') {
      const pending = this.pendingForks.get(sid);
      if (pending) pending.pid = Number(message.pid);
    } else if (message.op === 'fork-failed') {
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
      process?.markExited(typeof message.code === 'number' ? message.code : null);
      const pending = this.pendingForks.get(sid);
      if (pending) {
        this.pendingForks.delete(sid);
        clearTimeout(pending.timer);
        pending.reject(new MathcoderError('sandbox', `a Python session exited while starting: ${this.stderrTail().trim().split('\n').slice(-1)[0] ?? ''}`));
      }
    }
  }

  private onConnection(socket: Socket): void {
    const channel = new JsonLinesChannel(socket);
    let greeted = false;
    const timer = setTimeout(() => {
      if (!greeted) socket.destroy();
    }, 10_000);
    channel.onMessage((message) => {
      if (greeted) return;
      greeted = true;
      clearTimeout(timer);
      const sid = String(message.sid ?? '');
      const pending = this.pendingForks.get(sid);
      if (message.op !== 'hello' || !pending || pending.token !== message.token) {
        socket.destroy();
        return;
      }
      this.pendingForks.delete(sid);
      clearTimeout(pending.timer);
      const process = new SessionProcess(sid, Number(message.pid), channel);
      this.processes.set(sid, process);
      pending.resolve(process);
    });
  }

  private onWorkerExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.workerExit = signal ?? `code ${code}`;
    for (const [sid, pending] of this.pendingForks) {
      clearTimeout(pending.timer);
      pending.reject(new MathcoderError('sandbox', `the Python sandbox worker exited (${this.workerExit})`));
      this.pendingForks.delete(sid);
    }
    // Session processes already forked live on (they talk to this process directly) until they are closed.
  }
}
