"""How a session process is walled off from the host and from other sessions (Linux only).

Used by the zygote (sandbox_worker.py). With root inside the sandbox, each session gets:
  * a PID namespace of its own, in which the session is PID 1: it sees only its own processes, and when it
    exits the kernel kills every process it left behind;
  * a mount namespace of its own: a size-limited tmpfs at /tmp (its working directory and HOME) and at
    /dev/shm, its own /proc, and none of the zygote's control mounts (the sockets folder, the cgroups);
  * a cgroup of its own (memory and process limits over all of its processes) where the machine allows it,
    else a watchdog in the zygote that sums the private memory of the session's processes;
  * a uid of its own, no supplementary groups, no capabilities and no_new_privs (setuid binaries give nothing).
"""

import ctypes
import ctypes.util
import os
import signal

CLONE_NEWNS = 0x00020000
CLONE_NEWPID = 0x20000000
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REC = 0x4000
MS_PRIVATE = 1 << 18
MNT_DETACH = 2
PR_SET_NO_NEW_PRIVS = 38
PR_SET_CHILD_SUBREAPER = 36

_libc = ctypes.CDLL(ctypes.util.find_library('c') or None, use_errno=True)
_libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
_libc.umount2.argtypes = [ctypes.c_char_p, ctypes.c_int]
_libc.unshare.argtypes = [ctypes.c_int]
_libc.setns.argtypes = [ctypes.c_int, ctypes.c_int]
_libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]


def _check(result, what):
    if result != 0:
        code = ctypes.get_errno()
        raise OSError(code, '%s: %s' % (what, os.strerror(code)))


def unshare(flags):
    _check(_libc.unshare(flags), 'unshare')


def setns(fd, nstype):
    _check(_libc.setns(fd, nstype), 'setns')


def mount(source, target, fstype, flags, data=None):
    _check(_libc.mount(source.encode(), target.encode(), fstype.encode() if fstype else None, flags,
                       data.encode() if data else None), 'mount %s' % target)


def umount(target):
    _check(_libc.umount2(target.encode(), MNT_DETACH), 'umount %s' % target)


def prctl(option, value):
    _check(_libc.prctl(option, value, 0, 0, 0), 'prctl')


def become_subreaper():
    """Orphans of sessions are re-parented to the zygote, which reaps them. Without it they go to PID 1, which in
    a container often reaps nothing, and their zombies would keep counting against process limits."""
    try:
        prctl(PR_SET_CHILD_SUBREAPER, 1)
    except OSError:
        pass


def namespaces_available():
    """Whether this process may create PID and mount namespaces (root with CAP_SYS_ADMIN), checked for real."""
    if os.geteuid() != 0:
        return False
    pid = os.fork()
    if pid == 0:
        try:
            unshare(CLONE_NEWNS | CLONE_NEWPID)
            mount('none', '/', None, MS_REC | MS_PRIVATE)
            os._exit(0)
        except BaseException:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0


class PidNamespaceForker:
    """Forks each session as PID 1 of a new PID namespace: unshare(CLONE_NEWPID) puts the next child into a new
    namespace, and setns back to our own makes the one after that get another."""

    def __init__(self):
        self.own = os.open('/proc/self/ns/pid', os.O_RDONLY | os.O_CLOEXEC)

    def fork(self):
        unshare(CLONE_NEWPID)
        pid = -1
        try:
            pid = os.fork()
            return pid
        finally:
            if pid != 0:  # in the parent (or if the fork failed): the next fork starts from our own namespace
                setns(self.own, CLONE_NEWPID)


# ----------------------------------------------------------------------------------------------------------
# Per-session resource groups


class CgroupSlot:
    """One session's group (a folder per hierarchy), reused by later sessions once it is free again."""

    __slots__ = ('paths', 'limits', 'oom_kills')

    def __init__(self, paths):
        self.paths = paths
        self.limits = None
        self.oom_kills = 0


class CgroupPool:
    """Per-session cgroups under the folders the sandbox was given: cgroup v1 (memory and pids hierarchies) or a
    delegated cgroup v2 folder. Groups are made once and reused, so a session costs no mkdir or rmdir; a
    session went over its memory limit when its group's count of OOM kills grew while it had the group."""

    def __init__(self, memory_root=None, pids_root=None, v2_root=None):
        self.v2 = v2_root is not None
        self.roots = [v2_root] if self.v2 else [root for root in (memory_root, pids_root) if root]
        self.memory_root = v2_root or memory_root
        self.pids_root = v2_root or pids_root
        self.free = []
        self.made = 0
        self.name = 'cgroup-v2' if self.v2 else 'cgroup-v1'

    def acquire(self, limits):
        if self.free:
            slot = self.free.pop()
        else:
            self.made += 1
            paths = []
            for root in self.roots:
                path = os.path.join(root, 's%d' % self.made)
                os.mkdir(path)
                paths.append(path)
            slot = CgroupSlot(paths)
        wanted = (limits.get('memoryBytes'), limits.get('processes'))
        if slot.limits != wanted:
            self.apply(slot, *wanted)
            slot.limits = wanted
        slot.oom_kills = self.oom_kills(slot)
        return slot

    def path_in(self, slot, root):
        return slot.paths[self.roots.index(root)] if root in self.roots else None

    def apply(self, slot, memory_bytes, processes):
        memory = self.path_in(slot, self.memory_root) if self.memory_root else None
        pids = self.path_in(slot, self.pids_root) if self.pids_root else None
        if memory is not None:
            if self.v2:
                _write(os.path.join(memory, 'memory.max'), memory_bytes or 'max')
                _try_write(os.path.join(memory, 'memory.swap.max'), 0)
            else:
                limit = memory_bytes or -1
                # memsw (memory + swap) may not be set below memory: raise it first when growing.
                _try_write(os.path.join(memory, 'memory.memsw.limit_in_bytes'), -1)
                _write(os.path.join(memory, 'memory.limit_in_bytes'), limit)
                _try_write(os.path.join(memory, 'memory.memsw.limit_in_bytes'), limit)
        if pids is not None:
            _write(os.path.join(pids, 'pids.max'), processes or 'max')

    def oom_kills(self, slot):
        memory = self.path_in(slot, self.memory_root) if self.memory_root else None
        if memory is None:
            return 0
        try:
            text = _read(os.path.join(memory, 'memory.events' if self.v2 else 'memory.oom_control'))
        except OSError:
            return 0
        for line in text.split('\n'):
            if line.startswith('oom_kill '):
                return int(line.split()[1])
        return 0

    def release(self, slot):
        """Frees a session's group; True when the session was killed for going over its memory limit."""
        for path in slot.paths:
            kill_cgroup(path)
        over = self.oom_kills(slot) > slot.oom_kills
        self.free.append(slot)
        return over

    def close(self):
        for slot in self.free:
            for path in slot.paths:
                try:
                    os.rmdir(path)
                except OSError:
                    pass
        self.free = []


def join_cgroups(paths):
    for path in paths:
        _write(os.path.join(path, 'cgroup.procs'), 0)


def kill_cgroup(path):
    try:
        pids = [int(line) for line in _read(os.path.join(path, 'cgroup.procs')).split() if line]
    except OSError:
        return
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


# Plain file descriptors rather than open(): the zygote's pages are shared with every session it forked, so each
# page it writes after a fork is a copy-on-write fault, and the text-file layers of open() touch about three
# times the pages a read(2) does. These run in the zygote for every session (and in every session's setup).


def _read(path):
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        chunks = []
        while True:
            chunk = os.read(fd, 65536)
            if not chunk:
                return b''.join(chunks).decode('utf-8', 'replace')
            chunks.append(chunk)
    finally:
        os.close(fd)


def _write(path, value):
    fd = os.open(path, os.O_WRONLY | os.O_CLOEXEC)
    try:
        os.write(fd, ('%s\n' % value).encode())
    finally:
        os.close(fd)


def _try_write(path, value):
    try:
        _write(path, value)
    except OSError:
        pass


def private_memory_bytes(pids):
    """The private memory (resident and swapped) of some processes: what a session costs beyond the zygote's
    shared pages."""
    total = 0
    for pid in pids:
        try:
            text = _read('/proc/%d/smaps_rollup' % pid)
        except OSError:
            continue
        for line in text.split('\n'):
            if line.startswith(('Private_Clean:', 'Private_Dirty:', 'Swap:')):
                total += int(line.split()[1]) * 1024
    return total


def processes_by_uid():
    """{uid: [pid, …]} for every process this process can see."""
    result = {}
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            uid = os.stat('/proc/' + entry).st_uid
        except OSError:
            continue
        result.setdefault(uid, []).append(int(entry))
    return result


def tmpfs_used_bytes(pid, path):
    """Bytes used in a session's own tmpfs, seen through its root (/proc/PID/root)."""
    try:
        stats = os.statvfs('/proc/%d/root%s' % (pid, path))
    except OSError:
        return 0
    return (stats.f_blocks - stats.f_bfree) * stats.f_frsize
