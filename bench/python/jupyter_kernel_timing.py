"""Times a real Jupyter kernel driven through jupyter_client, as MathCoder's released code drives it:
kernel start, the first sympy-heavy cell, and the median of trivial cells. Prints one JSON object."""
import json
import os
import statistics
import sys
import time

os.environ.setdefault('PYDEVD_DISABLE_FILE_VALIDATION', '1')
from jupyter_client.manager import start_new_kernel  # noqa: E402

SYMPY_CELL = sys.argv[1]
TRIVIAL = int(sys.argv[2])
KERNELS = int(sys.argv[3])


def run(client, code):
    started = time.perf_counter()
    client.execute_interactive(code, timeout=120, output_hook=lambda message: None)
    return time.perf_counter() - started


starts, firsts, trivial = [], [], []
for _ in range(KERNELS):
    started = time.perf_counter()
    manager, client = start_new_kernel(kernel_name='python3')
    starts.append(time.perf_counter() - started)
    firsts.append(run(client, SYMPY_CELL))
    trivial.extend(run(client, '1 + 1') for _ in range(TRIVIAL))
    client.stop_channels()
    manager.shutdown_kernel(now=True)
print(json.dumps({'startMs': statistics.median(starts) * 1000, 'firstSympyMs': statistics.median(firsts) * 1000, 'trivialMs': statistics.median(trivial) * 1000}))
sys.stdout.flush()
os._exit(0)
