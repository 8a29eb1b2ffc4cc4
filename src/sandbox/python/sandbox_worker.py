"""The mathcoder Python sandbox worker.

One process (the zygote) imports IPython, sympy and numpy once, exercises them so their lazy
initialisation is done, and then forks one stateful session per problem on request. A session is
an IPython InteractiveShell (Jupyter's display and traceback layout, no colours) that runs cells
one at a time and answers each with a typed result.

Channels (newline-delimited JSON, never stdin/stdout, which user code owns):
  * the zygote reads requests from, and writes replies to, the socket at --control-fd. It reads exactly one
    request at a time (never ahead), so a forked session never holds another session's request in memory;
  * each session has a connection of its own to the Unix socket at --socket, where it first says hello with its
    token. With namespaces the session makes it itself, as root, before any of its own code runs; then the
    listening socket is gone from its view (unmounted, under its own /tmp, in a folder only root may enter,
    and it runs as a uid of its own). Without namespaces the zygote makes the connection before it forks, so a
    session inherits a connection that is already its own and never needs a token that is not spent.

Isolation and limits (session_isolation.py): a PID and mount namespace per session, a private /tmp and /proc,
a cgroup (or a memory watchdog) per session, a uid of its own, no_new_privs, and the rlimits RLIMIT_AS,
RLIMIT_CPU, RLIMIT_FSIZE, RLIMIT_NOFILE, RLIMIT_NPROC and RLIMIT_CORE.
"""

import argparse
import builtins
import io
import json
import os
import resource
import selectors
import signal
import socket
import sys
import threading
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import python_runtime  # noqa: E402
from cell_runner import CellRunner  # noqa: E402
import session_isolation as isolation  # noqa: E402
from session_output import CaptureStream, OutputBuffer, TextBudget  # noqa: E402

PROTOCOL_VERSION = 2
SESSION_TMP = '/tmp'


# --------------------------------------------------------------------------------------------
# Framing


def encode(message):
    return (json.dumps(message, ensure_ascii=False) + '\n').encode('utf-8', 'surrogatepass')


class Channel:
    """Newline-delimited JSON over a session's own socket."""

    def __init__(self, sock):
        self.sock = sock
        self.buffer = b''

    def send(self, message):
        self.sock.sendall(encode(message))

    def receive(self):
        """The next message, or None at end of file (or on a line that is not a JSON object)."""
        while b'\n' not in self.buffer:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                return None
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b'\n', 1)
        try:
            message = json.loads(line.decode('utf-8', 'surrogatepass'))
        except ValueError:
            return None
        return message if isinstance(message, dict) else None


class ControlChannel:
    """The zygote's channel to Node. Reads exactly one line per message (peek for the newline, then consume just
    that much), so nothing of a later request is ever in the zygote's memory when it forks."""

    def __init__(self, fd):
        self.sock = socket.socket(fileno=fd)

    def send(self, message):
        self.sock.sendall(encode(message))

    def receive(self):
        data = b''
        while True:
            peeked = self.sock.recv(1 << 16, socket.MSG_PEEK)
            if not peeked:
                return None
            newline = peeked.find(b'\n')
            if newline >= 0:
                data += self.sock.recv(newline + 1)
                return json.loads(data[:-1].decode('utf-8'))
            data += self.sock.recv(len(peeked))


# --------------------------------------------------------------------------------------------
# A session


class ExecutionTimeout(KeyboardInterrupt):
    """Raised in the running cell when its time is up. A KeyboardInterrupt, so `except Exception` in user code
    cannot swallow it."""


class Session:
    def __init__(self, shell, runner, channel, limits, reap_others):
        self.shell = shell
        self.runner = runner
        self.channel = channel
        self.limits = limits
        self.output_limits = limits.get('output') or {}
        self.reap_others = reap_others
        self.output = None
        self.cell = None
        self.timed_out = False
        self.pid = os.getpid()
        self.serial = 0

        session = self
        original_init = threading.Thread.__init__

        def thread_init(thread, *args, **kwargs):
            original_init(thread, *args, **kwargs)
            # A thread belongs to the cell that started it, also when another thread of that cell started it.
            creator = threading.current_thread()
            if creator is threading.main_thread():
                thread.mathcoder_cell = session.serial
            else:
                thread.mathcoder_cell = getattr(creator, 'mathcoder_cell', None)

        threading.Thread.__init__ = thread_init

    def on_interrupt(self, signum, frame):
        """SIGALRM from the cell's interval timer (its time is up) or a SIGINT. Outside a cell both are ignored,
        so a late signal can never break the session's own loop."""
        if self.cell is None:
            return
        if signum == signal.SIGALRM:
            self.timed_out = True
            raise ExecutionTimeout('cell execution timed out after %s seconds' % ('%g' % self.cell['timeout']))
        raise KeyboardInterrupt()

    def run(self, request):
        self.serial += 1
        self.output = OutputBuffer(self.output_limits)
        timeout = request.get('timeout')
        cell = {'result': None, 'error': None, 'displays': [], 'timeout': timeout}
        started = time.perf_counter()
        self.cell = cell
        self.timed_out = False
        if timeout is not None:
            signal.signal(signal.SIGALRM, self.on_interrupt)  # again: an earlier cell may have replaced it
            # An interval timer of the process itself, not a signal from outside: under bubblewrap a SIGINT sent
            # to the sandbox would end it, and a timer thread per cell costs more than the cell.
            signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            self.runner.run_cell(str(request.get('code', '')))
        except BaseException as error:  # an interrupt that landed outside the user's code
            if cell['error'] is None:
                cell['error'] = {'name': type(error).__name__, 'value': str(error), 'traceback': traceback.format_exception_only(type(error), error)}
        finally:
            self.cell = None  # first: from here on the signal handler raises nothing
            signal.setitimer(signal.ITIMER_REAL, 0)
            timed_out = self.timed_out
        duration = (time.perf_counter() - started) * 1000.0
        if os.getpid() != self.pid:
            # A process the cell forked came back here: it must never answer on the channel.
            os._exit(0)
        status = 'ok'
        if cell['error'] is not None:
            status = 'timeout' if timed_out and cell['error']['name'] == 'ExecutionTimeout' else 'error'
        buffer = self.output
        self.output = None
        streams = buffer.streams()
        budget = TextBudget(self.output_limits, sum(len(text) for _, text in streams))
        budget.total = buffer.total
        error = cell['error']
        if error is not None:
            error = {'name': str(error['name'])[:200], 'value': budget.take(str(error['value'])), 'traceback': budget.take_parts(error['traceback'])}
        reply = {
            'op': 'result',
            'id': request.get('id'),
            'status': status,
            'executionCount': self.shell.execution_count - 1,
            'streams': streams,
            'result': budget.take(cell['result']),
            'displays': [budget.take(display) for display in cell['displays']],
            'error': error,
            'truncated': buffer.truncated or budget.truncated,
            'outputChars': budget.total,
            'durationMs': duration,
        }
        if status in ('error', 'timeout'):
            self.reap_others()
        return reply

    def serve(self):
        while True:
            message = self.channel.receive()
            if message is None or message.get('op') == 'close':
                return
            if message.get('op') == 'run':
                try:
                    reply = self.run(message)
                except KeyboardInterrupt as error:
                    # The interrupt landed while the cell's own exception was being recorded: the cell is over
                    # (it is never run again); report what is known.
                    self.cell = None
                    reply = {'op': 'result', 'id': message.get('id'), 'status': 'timeout' if self.timed_out else 'error',
                             'executionCount': self.shell.execution_count - 1, 'streams': [], 'result': None, 'displays': [],
                             'error': {'name': type(error).__name__, 'value': str(error), 'traceback': [type(error).__name__ + ': ' + str(error)]},
                             'truncated': False, 'outputChars': 0, 'durationMs': 0}
                self.channel.send(reply)


def no_stdin(*args, **kwargs):
    from IPython.core.error import StdinNotImplementedError

    raise StdinNotImplementedError('raw_input was called, but this frontend does not support input requests.')


def reap_in_namespace():
    """The session is PID 1 of its own namespace: kill every other process in it (a fork bomb's children, a stray
    server) and reap them, since zombies count against the process limit."""
    try:
        os.kill(-1, signal.SIGKILL)  # every process in our namespace but ourselves
    except (ProcessLookupError, PermissionError):
        pass
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return
        except InterruptedError:
            continue


def reap_by_uid():
    """Without namespaces but with a uid of our own: every other process of our uid is ours to kill."""
    if os.getuid() == 0:
        return
    reap_in_namespace()


def start_session(shell, runner, sock, hello, plan, limits):
    """Runs in the forked child: isolate, limit, then serve cells until told to close. Never returns.

    `sock` is the connection the zygote already made for this session, or None: then the session connects and
    says `hello` itself, still as root and before any of its own code runs (with namespaces, the listening
    socket is gone from its view once its mounts are set up)."""
    try:
        if sock is None:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.connect(plan['socket'])
            sock.sendall(encode(hello))
        keep = sock.fileno()
        os.closerange(3, keep)
        os.closerange(keep + 1, 1 << 16)
        signal.set_wakeup_fd(-1)
        for signum in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP, signal.SIGPIPE):
            signal.signal(signum, signal.SIG_DFL)
        os.setsid()
        if plan['cgroups']:
            isolation.join_cgroups(plan['cgroups'])
        if plan['namespaces']:
            isolation.unshare(isolation.CLONE_NEWNS)
            isolation.mount('none', '/', None, isolation.MS_REC | isolation.MS_PRIVATE)
            for hidden in plan['hide']:
                try:
                    isolation.umount(hidden)
                except OSError:
                    pass
            tmp_options = 'size=%d,mode=1777,nr_inodes=65536' % int(limits.get('tmpBytes') or 256 << 20)
            isolation.mount('tmpfs', SESSION_TMP, 'tmpfs', isolation.MS_NOSUID | isolation.MS_NODEV, tmp_options)
            isolation.mount('tmpfs', '/dev/shm', 'tmpfs', isolation.MS_NOSUID | isolation.MS_NODEV | isolation.MS_NOEXEC, 'size=64m,mode=1777')
            isolation.mount('proc', '/proc', 'proc', isolation.MS_NOSUID | isolation.MS_NODEV | isolation.MS_NOEXEC)
        workdir = plan['workdir']
        os.makedirs(workdir, mode=0o700, exist_ok=True)
        uid = plan['uid']
        if uid is not None:
            os.chown(workdir, uid, uid)
        os.chdir(workdir)
        os.environ['HOME'] = workdir
        os.environ['TMPDIR'] = workdir
        import tempfile

        tempfile.tempdir = workdir
        for name, key in (('AS', 'addressSpaceBytes'), ('CPU', 'cpuSeconds'), ('FSIZE', 'fileSizeBytes'), ('NOFILE', 'openFiles')):
            value = limits.get(key)
            if value:
                resource.setrlimit(getattr(resource, 'RLIMIT_' + name), (int(value), int(value)))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if uid is not None:
            if limits.get('processes'):
                resource.setrlimit(resource.RLIMIT_NPROC, (int(limits['processes']), int(limits['processes'])))
            isolation.prctl(isolation.PR_SET_NO_NEW_PRIVS, 1)
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        os.close(devnull)
        channel = Channel(sock)
        reap = reap_in_namespace if plan['namespaces'] else reap_by_uid
        session = Session(shell, runner, channel, limits, reap)
        shell.mathcoder_session = session
        sys.stdout = CaptureStream('stdout', session)
        sys.stderr = CaptureStream('stderr', session)
        sys.stdin = io.StringIO('')
        builtins.input = no_stdin
        try:
            import getpass

            getpass.getpass = no_stdin
        except ImportError:
            pass
        signal.signal(signal.SIGALRM, session.on_interrupt)
        signal.signal(signal.SIGINT, session.on_interrupt)
        os.register_at_fork(after_in_child=lambda: sock.close())
        session.serve()
    except BaseException:
        try:
            sys.__stderr__.write(traceback.format_exc())
        except Exception:
            pass
        os._exit(70)
    os._exit(0)


# --------------------------------------------------------------------------------------------
# Zygote main loop


class SessionRecord:
    __slots__ = ('sid', 'uid', 'workdir', 'slot', 'reason')

    def __init__(self, sid, uid, workdir, slot):
        self.sid = sid
        self.uid = uid
        self.workdir = workdir
        self.slot = slot
        self.reason = None


class Zygote:
    WATCHDOG_SECONDS = 0.25

    def __init__(self, args):
        self.args = args
        self.control = ControlChannel(args.control_fd)
        self.children = {}  # pid -> SessionRecord
        self.is_root = os.geteuid() == 0
        self.free_uids = list(range(args.uid_base, args.uid_base + args.uid_count)) if args.uid_base and self.is_root else []
        self.namespaces = False
        self.forker = None
        self.groups = None

    def reply(self, message):
        self.control.send(message)

    def setup_isolation(self):
        isolation.become_subreaper()
        self.namespaces = isolation.namespaces_available()
        if self.namespaces:
            self.forker = isolation.PidNamespaceForker()
        args = self.args
        if args.cgroup_v2 or args.cgroup_memory or args.cgroup_pids:
            self.groups = isolation.CgroupPool(args.cgroup_memory, args.cgroup_pids, args.cgroup_v2)
            try:  # prove it works before promising it
                self.groups.release(self.groups.acquire({'memoryBytes': 1 << 30, 'processes': 8}))
            except OSError as error:
                sys.stderr.write('mathcoder sandbox: cgroups unusable (%s); using the memory watchdog\n' % error)
                self.groups = None

    def memory_enforcement(self):
        if self.groups is not None:
            return self.groups.name
        return 'watchdog' if (self.namespaces or self.free_uids) else 'per-process'

    def hidden_mounts(self):
        hidden = [os.path.dirname(self.args.socket)]
        for path in (self.args.cgroup_memory, self.args.cgroup_pids, self.args.cgroup_v2):
            if path:
                hidden.append(path)
        return hidden

    def fork_session(self, request):
        """Forks a session. Kept lean: after each fork every page of the zygote is shared again, so whatever the
        zygote touches here is copied once more per session. With namespaces the session connects itself."""
        sid = str(request['sid'])
        limits = request.get('limits') or {}
        hello = {'op': 'hello', 'sid': sid, 'token': request['token']}
        uid = self.free_uids.pop() if self.free_uids else None
        slot = None
        sock = None
        try:
            if self.groups is not None:
                slot = self.groups.acquire(limits)
            if not self.namespaces:
                # Without a mount namespace a session could reach the listening socket itself: the zygote makes
                # the connection before the fork, so a session never needs (or holds) a token that is not spent.
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                sock.connect(self.args.socket)
                sock.sendall(encode(hello))
            workdir = SESSION_TMP if self.namespaces else os.path.join(self.args.workroot, 'session-' + sid)
            plan = {'namespaces': self.namespaces, 'cgroups': slot.paths if slot else [], 'hide': self.hidden_mounts(), 'workdir': workdir,
                    'uid': uid, 'socket': self.args.socket}
            pid = self.forker.fork() if self.forker else os.fork()
            if pid == 0:
                self.control = None
                start_session(self.shell, self.runner, sock, hello, plan, limits)
        except BaseException:
            if sock is not None:
                sock.close()
            if uid is not None:
                self.free_uids.append(uid)
            if slot is not None:
                self.groups.release(slot)
            raise
        if sock is not None:
            sock.close()
        self.children[pid] = SessionRecord(sid, uid, workdir, slot)

    def kill_session(self, request, reason=None):
        for pid, record in list(self.children.items()):
            if record.sid == str(request['sid']):
                if reason and record.reason is None:
                    record.reason = reason
                self.kill_record(pid, record)

    def kill_record(self, pid, record):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        if not self.namespaces and record.uid is not None:
            kill_uid(record.uid)

    def reap(self):
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            record = self.children.pop(pid, None)
            if record is None:
                continue
            if not self.namespaces:
                if record.uid is not None:
                    kill_uid(record.uid)
                else:
                    try:  # the session's process group (it called setsid): what it left running
                        os.killpg(pid, signal.SIGKILL)
                    except OSError:
                        pass
                import shutil

                shutil.rmtree(record.workdir, ignore_errors=True)
            if record.slot is not None and self.groups.release(record.slot) and record.reason is None:
                record.reason = 'memory'
            if record.uid is not None:
                self.free_uids.append(record.uid)
            message = {'op': 'exited', 'sid': record.sid, 'pid': pid, 'code': os.waitstatus_to_exitcode(status)}
            if record.reason:
                message['reason'] = record.reason
            self.reply(message)

    def watch_memory(self, limit_of):
        """Without cgroups: the private memory of each session's processes (and its own tmpfs), summed; a session
        over its limit is killed as a whole."""
        if not self.children or not (self.namespaces or self.free_uids):
            return
        by_uid = isolation.processes_by_uid()
        for pid, record in list(self.children.items()):
            limit = limit_of.get(record.sid)
            if not limit or record.uid is None:
                continue
            used = isolation.private_memory_bytes(by_uid.get(record.uid, []))
            if self.namespaces:
                used += isolation.tmpfs_used_bytes(pid, SESSION_TMP)
            if used > limit:
                record.reason = 'memory'
                self.kill_record(pid, record)

    def shutdown(self):
        for pid, record in list(self.children.items()):
            self.kill_record(pid, record)
        deadline = time.time() + 2
        while self.children and time.time() < deadline:
            self.reap()
            time.sleep(0.005)
        if self.groups is not None:
            self.groups.close()
        if not self.namespaces:
            import shutil

            shutil.rmtree(self.args.workroot, ignore_errors=True)

    def serve(self):
        self.setup_isolation()
        self.shell, versions = python_runtime.warm_shell()
        import IPython

        self.runner = CellRunner(self.shell)
        # Everything imported so far lives as long as the process: moved out of the garbage collector's
        # generations, a session's collections stop walking (and copying-on-write) the zygote's whole heap.
        import gc

        gc.collect()
        gc.freeze()
        if not self.namespaces:
            os.makedirs(self.args.workroot, mode=0o711, exist_ok=True)
        self.wakeup_read, self.wakeup_write = os.pipe()
        os.set_blocking(self.wakeup_write, False)
        os.set_blocking(self.wakeup_read, False)
        signal.set_wakeup_fd(self.wakeup_write)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        watchdog = self.memory_enforcement() == 'watchdog'
        self.reply({
            'op': 'ready',
            'protocol': PROTOCOL_VERSION,
            'pid': os.getpid(),
            'versions': dict(versions, python='%d.%d.%d' % sys.version_info[:3], ipython=IPython.__version__),
            'executable': sys.executable,
            'root': self.is_root,
            'ownUids': bool(self.free_uids),
            'namespaces': self.namespaces,
            'memory': self.memory_enforcement(),
        })
        limit_of = {}
        selector = selectors.DefaultSelector()
        selector.register(self.control.sock, selectors.EVENT_READ, 'control')
        selector.register(self.wakeup_read, selectors.EVENT_READ, 'signal')
        try:
            while True:
                ready = selector.select(self.WATCHDOG_SECONDS if watchdog and self.children else None)
                for key, _ in ready:
                    if key.data == 'signal':
                        try:
                            os.read(self.wakeup_read, 4096)
                        except BlockingIOError:
                            pass
                        self.reap()
                        continue
                    message = self.control.receive()
                    if message is None or message.get('op') == 'shutdown':
                        return
                    op = message.get('op')
                    if op == 'fork':
                        try:
                            self.fork_session(message)
                            limit_of[str(message['sid'])] = (message.get('limits') or {}).get('memoryBytes')
                        except Exception as error:
                            self.reply({'op': 'fork-failed', 'sid': message.get('sid'), 'error': str(error)})
                    elif op == 'kill':
                        self.kill_session(message, message.get('reason'))
                self.reap()
                if watchdog:
                    self.watch_memory(limit_of)
                    live = {record.sid for record in self.children.values()}
                    for sid in [sid for sid in limit_of if sid not in live]:
                        del limit_of[sid]
        finally:
            self.shutdown()


def kill_uid(uid):
    """Kills every process left running under a session's uid, from a short-lived child that takes the uid (used
    only without PID namespaces, where a session's strays are not ended with it)."""
    pid = os.fork()
    if pid == 0:
        try:
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
            os.kill(-1, signal.SIGKILL)
        except BaseException:
            pass
        os._exit(0)
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--control-fd', type=int, required=True)
    parser.add_argument('--socket', required=True)
    parser.add_argument('--workroot', required=True)
    parser.add_argument('--uid-base', type=int, default=0)
    parser.add_argument('--uid-count', type=int, default=1024)
    parser.add_argument('--cgroup-memory')
    parser.add_argument('--cgroup-pids')
    parser.add_argument('--cgroup-v2')
    args = parser.parse_args()
    Zygote(args).serve()


if __name__ == '__main__':
    main()
