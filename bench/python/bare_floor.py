"""The floor a sandbox is measured against: the same published code cells run in one bare Python process, a
fresh namespace per trajectory (cells of a trajectory share it, as in a session), printed output captured,
exceptions formatted. No isolation, no IPython, no process per session. Prints one JSON object with the CPU
seconds this process used (its start and imports included)."""
import contextlib
import io
import json
import resource
import sys
import traceback

import numpy  # noqa: F401  (imported as the sandbox's zygote imports it)
import sympy  # noqa: F401

limit = int(sys.argv[1])
sessions = cells = 0
for path in sys.argv[2:]:
    with open(path) as handle:
        for index, line in enumerate(handle):
            if limit and index >= limit:
                break
            row = json.loads(line)
            entries = row['debug_result']
            namespace = {'__name__': '__main__'}
            sessions += 1
            for position, entry in enumerate(entries):
                # A code cell counts when its execution was published (what `mathcoder replay` re-runs).
                if entry['role'] != 'code' or position + 1 >= len(entries) or entries[position + 1]['role'] != 'execution':
                    continue
                cells += 1
                out = io.StringIO()
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
                    try:
                        exec(compile(entry['content'], '<cell>', 'exec'), namespace)
                    except BaseException:
                        traceback.format_exc()
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({'sessions': sessions, 'cells': cells, 'cpuSeconds': usage.ru_utime + usage.ru_stime}))
