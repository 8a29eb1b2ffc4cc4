"""Runs cells both ways, through IPython's run_cell (and its printer) and through the sandbox's CellRunner (and
PlainText), each way in a forked copy of one warm shell (as a session is), and reports every cell whose outcome
differs: printed output, last value, displays, error (name, value, traceback) and execution count.

Usage: cell_runner_equivalence.py WORKER_DIR CASES_JSON, a list of sessions (lists of cells). Prints one JSON
object: {cells, fast: [whether each cell went the fast way, in order], differences: [...]}."""
import contextlib
import gc
import io
import json
import os
import sys

worker_dir, cases_path = sys.argv[1], sys.argv[2]
sys.path.insert(0, worker_dir)
import python_runtime  # noqa: E402
from cell_runner import CellRunner  # noqa: E402

with open(cases_path) as handle:
    work = json.load(handle)

shell, _ = python_runtime.warm_shell()
runner = CellRunner(shell)
gc.collect()
gc.freeze()


class Cell:
    def __init__(self):
        self.cell = None


def outcomes(cells, fast):
    """The outcome of each cell of one session, run in a forked child."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        session = Cell()
        shell.mathcoder_session = session
        if not fast:
            shell.mathcoder_plain_text = None  # the slow way is IPython's own, its printer included
        found = []
        for code in cells:
            planned = runner.plan(code) is not None if fast else False
            session.cell = {'result': None, 'error': None, 'displays': []}
            out = io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
                if fast:
                    runner.run_cell(code)
                else:
                    shell.run_cell(code, store_history=True, silent=False)
            found.append({'output': out.getvalue(), 'result': session.cell['result'], 'displays': session.cell['displays'],
                          'error': session.cell['error'], 'count': shell.execution_count, 'fast': planned})
        with os.fdopen(write_end, 'w') as handle:
            json.dump(found, handle)
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as handle:
        data = handle.read()
    os.waitpid(pid, 0)
    return json.loads(data)


total = 0
fast = []
differences = []
for cells in work:
    slow_way = outcomes(cells, False)
    fast_way = outcomes(cells, True)
    for code, slow, quick in zip(cells, slow_way, fast_way):
        total += 1
        fast.append(quick.pop('fast'))
        slow.pop('fast')
        if slow != quick:
            differences.append({'code': code, 'run_cell': slow, 'runner': quick})
print(json.dumps({'cells': total, 'fast': fast, 'differences': differences}))
