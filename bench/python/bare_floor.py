"""The floor a sandbox is measured against: the same published code cells run in one bare Python process, a
fresh namespace per trajectory (cells of a trajectory share it, as in a session), printed output captured,
exceptions formatted. No isolation, no IPython, no process per session. Prints one JSON object with the CPU
seconds this process used (its start and imports included).
Usage: bare_floor.py CELLS_JSON (a list of sessions, each the list of its cells, as bench/sandbox-cost writes it)."""
import json
import resource
import sys

import numpy  # noqa: F401  (imported as the sandbox's zygote imports it)
import sympy  # noqa: F401

from run_plain import run_plain

with open(sys.argv[1]) as handle:
    sessions = json.load(handle)
for session in sessions:
    run_plain(session)
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({'sessions': len(sessions), 'cells': sum(map(len, sessions)), 'cpuSeconds': usage.ru_utime + usage.ru_stime}))
