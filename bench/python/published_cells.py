"""The code cells of published MathCoder trajectories whose execution was published too (what `mathcoder replay`
re-runs), one list per trajectory. Shared by the floors of bench/sandbox-cost."""
import json


def sessions(paths, limit=0):
    """Yields each trajectory's list of code cells, the first `limit` rows of each file (0: all)."""
    for path in paths:
        with open(path) as handle:
            for index, line in enumerate(handle):
                if limit and index >= limit:
                    break
                entries = json.loads(line)['debug_result']
                yield [entry['content'] for position, entry in enumerate(entries)
                       if entry['role'] == 'code' and position + 1 < len(entries) and entries[position + 1]['role'] == 'execution']
