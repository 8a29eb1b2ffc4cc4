"""The mathcoder Python sandbox worker.

One process (the zygote) imports IPython, sympy and numpy once, exercises them so their lazy
initialisation is done, and then forks one stateful session per problem on request. A session is
an IPython InteractiveShell (Jupyter's display and traceback layout, no colours) that runs cells
one at a time and answers each with a typed result.

Channels (newline-delimited JSON, never stdin/stdout, which user code owns):
  * the zygote reads requests from and writes replies to the socket at --control-fd;
  * each session connects to the Unix socket at --socket, says hello with its token, then serves
    `run` requests until `close` or end of file.

Limits are set in the session after fork: RLIMIT_AS, RLIMIT_CPU, RLIMIT_FSIZE, RLIMIT_NPROC,
RLIMIT_CORE; when the zygote runs as root, each session drops to a uid of its own, so its process
limit is its own and every process it leaves behind can be killed by uid.
"""

import argparse
import builtins
import io
import json
import os
import re
import resource
import selectors
import shutil
import signal
import socket
import sys
import threading
import time
import traceback

PROTOCOL_VERSION = 1
WORKER_FILE = os.path.abspath(__file__)


# --------------------------------------------------------------------------------------------
# Framing


class Channel:
    """Newline-delimited JSON over a socket."""

    def __init__(self, sock):
        self.sock = sock
        self.buffer = b''

    def send(self, message):
        data = (json.dumps(message, ensure_ascii=False) + '\n').encode('utf-8', 'surrogatepass')
        self.sock.sendall(data)

    def receive(self):
        """The next message, or None at end of file."""
        while b'\n' not in self.buffer:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                return None
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b'\n', 1)
        return json.loads(line.decode('utf-8', 'surrogatepass'))

    def pending(self):
        return b'\n' in self.buffer


# --------------------------------------------------------------------------------------------
# Output capture


class OutputBuffer:
    """Everything a cell prints, in order, with head+tail truncation past max_chars."""

    def __init__(self, max_chars, head_chars, tail_chars):
        self.max_chars = max_chars
        self.head_chars = head_chars
        self.tail_chars = tail_chars
        self.chunks = []  # [name, text] in order, merged when the name repeats
        self.total = 0
        self.kept = 0
        self.tail = []  # (name, text) kept for the tail once over the limit
        self.tail_len = 0
        self.truncated = False

    def write(self, name, text):
        if not text:
            return
        self.total += len(text)
        if not self.truncated:
            self._append(self.chunks, name, text)
            self.kept += len(text)
            if self.max_chars is not None and self.kept > self.max_chars:
                self._start_truncating()
            return
        self.tail.append([name, text])
        self.tail_len += len(text)
        self._trim_tail()

    def _start_truncating(self):
        """Keeps the first head_chars as the head; what follows becomes the rolling tail."""
        self.truncated = True
        head, rest, room = [], [], self.head_chars
        for name, text in self.chunks:
            if room >= len(text):
                head.append([name, text])
                room -= len(text)
            elif room > 0:
                head.append([name, text[:room]])
                rest.append([name, text[room:]])
                room = 0
            else:
                rest.append([name, text])
        self.chunks = head
        self.kept = self.head_chars
        self.tail = rest
        self.tail_len = sum(len(text) for _, text in rest)
        self._trim_tail()

    def _trim_tail(self):
        while self.tail and self.tail_len - len(self.tail[0][1]) >= self.tail_chars:
            self.tail_len -= len(self.tail.pop(0)[1])

    @staticmethod
    def _append(chunks, name, text):
        if chunks and chunks[-1][0] == name:
            chunks[-1][1] += text
        else:
            chunks.append([name, text])

    def streams(self):
        if not self.truncated:
            return self.chunks
        chunks = [list(chunk) for chunk in self.chunks]
        omitted = self.total - self.kept - min(self.tail_len, self.tail_chars)
        self._append(chunks, chunks[-1][0] if chunks else 'stdout', '\n... [%d characters omitted] ...\n' % omitted)
        tail = [list(chunk) for chunk in self.tail]
        excess = self.tail_len - self.tail_chars
        if excess > 0 and tail:
            tail[0][1] = tail[0][1][excess:]
        for name, text in tail:
            self._append(chunks, name, text)
        return chunks


class CaptureStream(io.TextIOBase):
    """sys.stdout / sys.stderr of a session: writes go to the running cell's buffer."""

    def __init__(self, name, session):
        super().__init__()
        self.name = name
        self.session = session

    def writable(self):
        return True

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError('write() argument must be str, not %s' % type(text).__name__)
        session = self.session
        buffer = session.output
        if buffer is not None:
            thread = threading.current_thread()
            # A thread started by an earlier cell may print after that cell ended (it timed out, say): that
            # output belongs to no cell and is dropped, never shown as the next cell's output.
            if thread is threading.main_thread() or getattr(thread, 'mathcoder_cell', None) == session.serial:
                buffer.write(self.name, text)
        return len(text)

    def flush(self):
        pass

    def isatty(self):
        return False

    @property
    def encoding(self):
        return 'utf-8'


# --------------------------------------------------------------------------------------------
# The zygote: imports, warm-up, shell


def import_and_warm():
    """Imports the heavy modules and runs them once so a forked session starts warm."""
    import numpy
    import sympy

    try:
        major = int(numpy.__version__.split('.')[0])
    except ValueError:
        major = 1
    if major >= 2:
        # numpy 2 prints np.float64(1.5) where the published executions (numpy 1.2x) show 1.5.
        numpy.set_printoptions(legacy='1.25')
    if sympy_version_below(sympy.__version__, (1, 12)):
        sort_solve_dicts(sympy)
    x, y = sympy.symbols('x y')
    sympy.solve([x + y - 3, x - y - 1], [x, y])
    sympy.solve(x ** 2 - 2, x)
    sympy.simplify(sympy.sin(x) ** 2 + sympy.cos(x) ** 2)
    sympy.factor(x ** 3 - y ** 3)
    sympy.expand((x + 1) ** 5)
    sympy.Rational(3, 4) + sympy.sqrt(8)
    sympy.integrate(x ** 2, (x, 0, 1))
    sympy.nsimplify(0.75)
    sympy.factorint(360)
    sympy.Matrix([[1, 2], [3, 4]]).det()
    str(sympy.Eq(x, 2 * y))
    sympy.N(sympy.pi, 20)
    numpy.linalg.solve(numpy.array([[1.0, 2.0], [3.0, 4.0]]), numpy.array([1.0, 2.0]))
    repr(numpy.arange(5) / 2)
    import fractions, math, itertools, collections, decimal, statistics, random  # noqa: F401
    try:
        import scipy  # noqa: F401
    except ImportError:
        pass
    return {'sympy': sympy.__version__, 'numpy': numpy.__version__}


def sympy_version_below(version, limit):
    parts = []
    for piece in version.split('.')[:2]:
        digits = ''.join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts) < limit


def sort_solve_dicts(sympy):
    """SymPy >= 1.12 returns the dicts of `solve` with their keys in sorted order ({a: 1, b: 2}); 1.11 keeps
    the order of the unknowns. The published executions were made with 1.12, so 1.11 is made to sort too."""
    import functools

    try:
        from sympy.core.sorting import default_sort_key
    except ImportError:
        from sympy.utilities.iterables import default_sort_key
    original = sympy.solvers.solvers.solve

    def sort_keys(mapping):
        try:
            return {key: mapping[key] for key in sorted(mapping, key=default_sort_key)}
        except Exception:
            return mapping

    @functools.wraps(original)
    def solve(*args, **kwargs):
        result = original(*args, **kwargs)
        if isinstance(result, dict):
            return sort_keys(result)
        if isinstance(result, list) and result and all(isinstance(item, dict) for item in result):
            return [sort_keys(item) for item in result]
        return result

    sympy.solve = solve
    sympy.solvers.solve = solve
    sympy.solvers.solvers.solve = solve


def choose_matplotlib_backend():
    """Jupyter's inline backend (figures become display data, as in the published runs) when present."""
    import importlib.util

    try:
        inline = importlib.util.find_spec('matplotlib_inline') is not None
    except (ImportError, ValueError):
        inline = False
    os.environ['MPLBACKEND'] = 'module://matplotlib_inline.backend_inline' if inline else 'Agg'


def make_shell():
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    class CellDisplayHook(DisplayHook):
        """Records the text/plain of the last expression instead of printing `Out[n]:`."""

        def compute_format_data(self, result):
            # Only text/plain, what MathCoder's client read; Jupyter would also compute LaTeX, HTML, PNG, ….
            return {'text/plain': self.shell.display_formatter.formatters['text/plain'](result)}, {}

        def start_displayhook(self):
            pass

        def write_output_prompt(self):
            pass

        def write_format_data(self, format_dict, md_dict=None):
            session = getattr(self.shell, 'mathcoder_session', None)
            if session is not None and session.cell is not None:
                session.cell['result'] = format_dict.get('text/plain')

        def finish_displayhook(self):
            pass

    class CellDisplayPublisher(DisplayPublisher):
        """display() output (a figure, an explicit display call): Jupyter's display_data, kept apart from the
        printed streams (MathCoder's client ignored it)."""

        def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
            session = getattr(self.shell, 'mathcoder_session', None)
            if session is not None and session.cell is not None:
                session.cell['displays'].append(data.get('text/plain', ''))

        def clear_output(self, wait=False):
            pass

    class SandboxShell(InteractiveShell):
        displayhook_class = CellDisplayHook
        display_pub_class = CellDisplayPublisher

        def _showtraceback(self, etype, evalue, stb):
            session = getattr(self, 'mathcoder_session', None)
            if session is not None and session.cell is not None:
                session.cell['error'] = {'name': etype.__name__, 'value': str(evalue), 'traceback': clean_traceback(stb)}

        def enable_gui(self, gui=None):
            pass

        def system(self, cmd):
            raise OSError('shell commands are not available in the sandbox')

    config = Config()
    config.HistoryManager.enabled = False
    config.InteractiveShell.colors = 'NoColor'
    config.InteractiveShell.xmode = 'Context'
    config.InteractiveShell.autocall = 0
    config.InteractiveShell.automagic = False
    config.InteractiveShell.ast_node_interactivity = 'last_expr'
    config.PlainTextFormatter.max_seq_length = 1000
    shell = SandboxShell.instance(config=config)
    shell.autoawait = False  # top-level await is not used by math code; checking for it costs every cell
    try:
        from ipykernel.compiler import XCachingCompiler

        # ipykernel's compiler names cells /tmp/ipykernel_<pid>/<hash>.py, as the published runs saw.
        shell.compile = XCachingCompiler()
    except Exception:
        pass
    shell.mathcoder_session = None
    # Silent cells warm IPython's own machinery (AST transforms, display formatter, traceback formatting).
    for warm_cell in ('1', 'undefined_name_for_warm_up', 'def warm_up():\n    return 1 / 0\nwarm_up()', 'x = ('):
        shell.run_cell(warm_cell, store_history=False, silent=True)
    shell.user_ns.pop('warm_up', None)
    shell.execution_count = 1
    return shell


CELL_LABEL = re.compile(r'^(\s*)Cell In \[(\d+)\]')


def clean_traceback(stb):
    """IPython's traceback parts as a Jupyter kernel sends them: frames of this worker (the timeout
    interrupt, the stdin stub) dropped, and `Cell In[n]` spelt as IPython >= 8.6 spells it."""
    parts = []
    for part in stb:
        if part.lstrip().startswith('File ' + WORKER_FILE):
            continue
        parts.append(CELL_LABEL.sub(r'\1Cell In[\2]', part))
    return parts


# --------------------------------------------------------------------------------------------
# A session


class ExecutionTimeout(KeyboardInterrupt):
    """Raised in the running cell when its time is up. A KeyboardInterrupt, so `except Exception` in user code
    cannot swallow it."""


class Session:
    def __init__(self, shell, channel, limits):
        self.shell = shell
        self.channel = channel
        self.limits = limits
        self.output = None
        self.cell = None
        self.timed_out = False
        self.pid = os.getpid()
        self.serial = 0

        session = self
        original_init = threading.Thread.__init__

        def thread_init(thread, *args, **kwargs):
            original_init(thread, *args, **kwargs)
            thread.mathcoder_cell = session.serial

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
        output_limits = self.limits.get('output') or {}
        self.output = OutputBuffer(output_limits.get('maxChars'), output_limits.get('headChars', 0), output_limits.get('tailChars', 0))
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
            self.shell.run_cell(request['code'], store_history=True, silent=False)
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
        reply = {
            'op': 'result',
            'id': request['id'],
            'status': status,
            'executionCount': self.shell.execution_count - 1,
            'streams': buffer.streams(),
            'result': cell['result'],
            'displays': cell['displays'],
            'error': cell['error'],
            'truncated': buffer.truncated,
            'outputChars': buffer.total,
            'durationMs': duration,
        }
        if status in ('error', 'timeout') and self.limits.get('reapAfterError', True):
            reap_other_processes()
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
                    reply = {'op': 'result', 'id': message['id'], 'status': 'timeout' if self.timed_out else 'error',
                             'executionCount': self.shell.execution_count - 1, 'streams': [], 'result': None, 'displays': [],
                             'error': {'name': type(error).__name__, 'value': str(error), 'traceback': [type(error).__name__ + ': ' + str(error)]},
                             'truncated': False, 'outputChars': 0, 'durationMs': 0}
                self.channel.send(reply)


def reap_other_processes():
    """Kills every other process of this session's uid (a fork bomb's children, a stray server)."""
    if os.getuid() == 0 or not SESSION_HAS_OWN_UID:
        return
    try:
        os.kill(-1, signal.SIGKILL)  # Linux: every process we may signal, except ourselves
    except (ProcessLookupError, PermissionError):
        pass
    # Our own children are zombies until waited for, and zombies still count against RLIMIT_NPROC.
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return
        except InterruptedError:
            continue


SESSION_HAS_OWN_UID = False


def no_stdin(*args, **kwargs):
    from IPython.core.error import StdinNotImplementedError

    raise StdinNotImplementedError('raw_input was called, but this frontend does not support input requests.')


def start_session(shell, socket_path, sid, token, uid, workdir, limits, close_fds):
    """Runs in the forked child: isolate, limit, connect, serve, exit."""
    global SESSION_HAS_OWN_UID
    try:
        os.setsid()
        signal.set_wakeup_fd(-1)
        for signum in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP, signal.SIGPIPE):
            signal.signal(signum, signal.SIG_DFL)
        for fd in close_fds:
            try:
                os.close(fd)
            except OSError:
                pass
        os.makedirs(workdir, mode=0o700, exist_ok=True)
        if uid is not None:
            os.chown(workdir, uid, uid)
        os.chdir(workdir)
        os.environ['HOME'] = workdir
        os.environ['TMPDIR'] = workdir
        import tempfile

        tempfile.tempdir = workdir
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.connect(socket_path)
        for name, key in (('AS', 'memoryBytes'), ('CPU', 'cpuSeconds'), ('FSIZE', 'fileSizeBytes'), ('NOFILE', 'openFiles')):
            value = limits.get(key)
            if value:
                resource.setrlimit(getattr(resource, 'RLIMIT_' + name), (int(value), int(value)))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if uid is not None:
            if limits.get('processes'):
                resource.setrlimit(resource.RLIMIT_NPROC, (int(limits['processes']), int(limits['processes'])))
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            SESSION_HAS_OWN_UID = True
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        os.close(devnull)
        channel = Channel(sock)
        session = Session(shell, channel, limits)
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
        # A fresh fork shares every page with the zygote; the first cell would pay for the copy-on-write faults
        # of IPython's own data. Paying here, before the session is handed out, keeps the first real cell fast.
        shell.run_cell('None', store_history=False, silent=True)
        channel.send({'op': 'hello', 'sid': sid, 'token': token, 'pid': os.getpid(), 'uid': os.getuid()})
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


class Zygote:
    def __init__(self, args):
        self.args = args
        self.control = Channel(socket.socket(fileno=args.control_fd))
        self.children = {}  # pid -> (sid, uid, workdir)
        self.free_uids = list(range(args.uid_base, args.uid_base + args.uid_count)) if args.uid_base else []
        self.is_root = os.geteuid() == 0

    def reply(self, message):
        self.control.send(message)

    def fork_session(self, request):
        sid = request['sid']
        uid = None
        if self.is_root and self.free_uids:
            uid = self.free_uids.pop(0)
        workdir = os.path.join(self.args.workroot, 'session-' + sid)
        pid = os.fork()
        if pid == 0:
            start_session(self.shell, self.args.socket, sid, request['token'], uid, workdir, request.get('limits') or {},
                          [self.args.control_fd, self.wakeup_read, self.wakeup_write])
            os._exit(0)
        self.children[pid] = (sid, uid, workdir)
        self.reply({'op': 'forked', 'sid': sid, 'pid': pid, 'uid': uid})

    def kill_session(self, request):
        for pid, (sid, uid, _) in list(self.children.items()):
            if sid == request['sid']:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass

    def reap(self):
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            entry = self.children.pop(pid, None)
            if entry is None:
                continue
            sid, uid, workdir = entry
            if uid is not None:
                kill_uid(uid)
                self.free_uids.append(uid)
            shutil.rmtree(workdir, ignore_errors=True)
            code = os.waitstatus_to_exitcode(status)
            self.reply({'op': 'exited', 'sid': sid, 'pid': pid, 'code': code})

    def shutdown(self):
        for pid in list(self.children):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        deadline = time.time() + 2
        while self.children and time.time() < deadline:
            self.reap()
            time.sleep(0.005)
        shutil.rmtree(self.args.workroot, ignore_errors=True)

    def serve(self):
        become_subreaper()
        choose_matplotlib_backend()
        versions = import_and_warm()
        import IPython

        self.shell = make_shell()
        # Everything imported so far lives as long as the process: moved out of the garbage collector's
        # generations, a session's collections stop walking (and copying-on-write) the zygote's whole heap.
        import gc

        gc.collect()
        gc.freeze()
        os.makedirs(self.args.workroot, mode=0o711, exist_ok=True)
        self.wakeup_read, self.wakeup_write = os.pipe()
        os.set_blocking(self.wakeup_write, False)
        os.set_blocking(self.wakeup_read, False)
        signal.set_wakeup_fd(self.wakeup_write)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        self.reply({
            'op': 'ready',
            'protocol': PROTOCOL_VERSION,
            'pid': os.getpid(),
            'versions': dict(versions, python='%d.%d.%d' % sys.version_info[:3], ipython=IPython.__version__),
            'executable': sys.executable,
            'root': self.is_root,
            'ownUids': bool(self.is_root and self.free_uids),
        })
        selector = selectors.DefaultSelector()
        selector.register(self.control.sock, selectors.EVENT_READ, 'control')
        selector.register(self.wakeup_read, selectors.EVENT_READ, 'signal')
        try:
            while True:
                ready = selector.select() if not self.control.pending() else [(None, None)]
                for key, _ in ready:
                    if key is not None and key.data == 'signal':
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
                        except Exception as error:
                            self.reply({'op': 'fork-failed', 'sid': message.get('sid'), 'error': str(error)})
                    elif op == 'kill':
                        self.kill_session(message)
                self.reap()
        finally:
            self.shutdown()


def become_subreaper():
    """Orphans of session processes (a fork bomb's grandchildren) are re-parented to this process, which reaps
    them. Without it they go to PID 1, which in a container often reaps nothing, and their zombies would keep
    counting against the next session's process limit under the same uid."""
    try:
        import ctypes

        PR_SET_CHILD_SUBREAPER = 36
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except Exception:
        pass


def kill_uid(uid):
    """Kills every process left running under a session's uid, from a short-lived child that takes the uid."""
    pid = os.fork()
    if pid == 0:
        try:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
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
    args = parser.parse_args()
    Zygote(args).serve()


if __name__ == '__main__':
    main()
