"""Floors of any design that gives each session a fresh process: a warm interpreter, set up by the sandbox
worker's own python_runtime as its zygote sets itself up (IPython, sympy and numpy imported and warmed, the shell
made, the heap frozen), forks one child per trajectory, one at a time; the child runs the trajectory's cells and
exits. No isolation, no channel, no Node: what is left is the fork, the exit and the copy-on-write faults of the
cells' work.
  exec     the cells through exec() in a fresh namespace, as the bare floor runs them
  ipython  the cells through the shell's run_cell, as a sandbox session runs them
Usage: session_floor.py WORKER_DIR exec|ipython CELLS_JSON (as bare_floor.py takes it). Prints one JSON object: the CPU seconds of this
process and its children after the set-up, and the sessions run."""
import contextlib
import gc
import io
import json
import os
import resource
import sys

worker_dir, mode, cells_json = sys.argv[1:4]
sys.path.insert(0, worker_dir)
import python_runtime  # noqa: E402
from run_plain import run_plain  # noqa: E402

shell, _ = python_runtime.warm_shell()
gc.collect()
gc.freeze()


def run_ipython(cells):
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        for cell in cells:
            shell.run_cell(cell, store_history=True, silent=False)


run = run_plain if mode == 'exec' else run_ipython
with open(cells_json) as handle:
    work = json.load(handle)


def cpu():
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


before = cpu()
for cells in work:
    pid = os.fork()
    if pid == 0:
        try:
            run(cells)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
print(json.dumps({'mode': mode, 'sessions': len(work), 'cpuSeconds': cpu() - before}))
