"""The zygote's Python: sympy, numpy and IPython imported and warmed once, and an IPython InteractiveShell set
up as a Jupyter kernel's (text/plain display of the last expression, no colours, ipykernel's cell file names),
with the fidelity fixes that make its output match the published executions."""

import os
import re

WORKER_DIR = os.path.dirname(os.path.abspath(__file__))


def lighten_ipython():
    """Keeps IPython's terminal (prompt_toolkit, its debugger and embedding) and jedi's completion out of the
    zygote: `import IPython` loads them for `IPython.embed`, which a kernel's cells never use. About 300 modules
    fewer to import at every start and to carry in every forked session. Must run before IPython is imported."""
    import sys
    import types

    def embed(*args, **kwargs):
        raise RuntimeError('IPython.embed is not available in the sandbox')

    terminal_embed = types.ModuleType('IPython.terminal.embed')
    terminal_embed.embed = embed
    sys.modules.setdefault('IPython.terminal.embed', terminal_embed)
    # IPython's completer imports jedi when it can; a kernel without jedi completes without it.
    sys.modules.setdefault('jedi', None)




def warm_shell():
    """The zygote's interpreter, set up in order: IPython lightened before it is imported, the plotting backend
    chosen, the heavy modules imported and warmed, the shell made. Returns (shell, versions of sympy and numpy)."""
    lighten_ipython()
    choose_matplotlib_backend()
    versions = import_and_warm()
    return make_shell(), versions


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
            # PlainText (plain_text.py) gives the printer's text without running it where that text is repr's.
            plain = getattr(self.shell, 'mathcoder_plain_text', None)
            text = plain.text(result) if plain is not None else None
            if text is None:
                text = self.shell.display_formatter.formatters['text/plain'](result)
            return {'text/plain': text}, {}

        def quiet(self):
            # IPython tokenizes the whole cell to see whether it ends with `;`; a cell without any `;` cannot.
            # (Tokenizing touches, and in a forked session copies, a few hundred pages for every shown value.)
            try:
                cell = self.shell.history_manager.input_hist_parsed[-1]
            except (AttributeError, IndexError):
                return super().quiet()
            return ';' in cell and super().quiet()

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
        if part.lstrip().startswith('File ' + WORKER_DIR + os.sep):
            continue
        parts.append(CELL_LABEL.sub(r'\1Cell In[\2]', part))
    return parts
