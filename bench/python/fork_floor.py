"""What a fork of a warm interpreter costs on this machine, with nothing else: a process that has imported what
the sandbox's zygote imports (IPython, sympy, numpy) forks N children that exit at once. Prints one JSON object:
CPU seconds per fork, the parent's and the children's together."""
import gc
import json
import os
import resource
import sys

import IPython  # noqa: F401
import numpy  # noqa: F401
import sympy  # noqa: F401

gc.collect()
gc.freeze()
forks = int(sys.argv[1])


def cpu():
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


before = cpu()
for _ in range(forks):
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
print(json.dumps({'forks': forks, 'cpuSecondsPerFork': (cpu() - before) / forks}))
