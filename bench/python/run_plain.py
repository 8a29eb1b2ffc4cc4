"""Runs one trajectory's cells the plainest way: exec() in a fresh namespace, printed output captured, exceptions
formatted (and dropped)."""
import contextlib
import io
import traceback


def run_plain(cells):
    namespace = {'__name__': '__main__'}
    for cell in cells:
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            try:
                exec(compile(cell, '<cell>', 'exec'), namespace)
            except BaseException:
                traceback.format_exc()
