"""Runs a cell as IPython's InteractiveShell.run_cell does, without IPython's input transformers and Python AST
objects for the cells that need neither.

Why: a session is a forked copy of the zygote, and every page of the zygote's heap that a session writes is
copied (CPython writes a reference count into every object it touches). run_cell tokenizes each cell for IPython
syntax, parses it into Python AST objects and compiles it node by node, which touches (and copies) several
hundred pages that running the code itself never needs. Most cells are plain Python: for them this module
compiles the source text directly, as IPython would compile its nodes, and runs the code objects through the
shell's own run_code, so display, tracebacks, history, `_`/`Out` and events are IPython's.

A cell goes the fast way only when IPython would not change it (see `plan`); anything else, and anything this
module cannot compile, goes through the shell's run_cell, which then gives IPython's own result or error.
"""

import __future__
import re

# IPython input syntax that plain Python cells never have: line magics and shell escapes at a line's start or
# after `=` (`x = !ls`), help (`obj?`), a `;` (hides the last value, or escapes a line), autocall escapes (`,f`
# `/f`), prompts pasted with the code (`>>>`, `...`, `In [1]:`), and the names that let a one-line cell turn
# into a macro or an autocall, or that reach IPython itself. Line ends other than \n and \r\n (IPython splits
# lines where Python's compiler and this module's line starts would not agree) and NUL go the slow way too.
NEEDS_IPYTHON = re.compile(
    r'^\s*[%!,/]|=\s*[%!]|!(?!=)|[?;]|^\s*(?:>>>|\.\.\.|In \[)|__future__|get_ipython|IPython|PYTHON-MODE'
    r'|\r(?!\n)|[\x0b\x0c\x1c-\x1e\x85\u2028\u2029\x00]',
    re.M,
)
# A top-level statement starts at column 0 with something other than a comment.
STATEMENT_START = re.compile(r'^[^\s#]', re.M)
LEADING_NAME = re.compile(r'\s*([\w.]+)')
FUTURE_FLAGS = 0
for _name in __future__.all_feature_names:
    FUTURE_FLAGS |= getattr(__future__, _name).compiler_flag


class CellRunner:
    """The fast way for one shell; `supported` is False where this IPython's internals are not the ones this
    module mirrors (then every cell goes through run_cell)."""

    def __init__(self, shell):
        self.shell = shell
        try:
            from IPython.core.interactiveshell import ExecutionInfo, ExecutionResult, _pseudo_sync_runner
            from IPython.core.macro import Macro
            from IPython.core.autocall import IPyAutocall

            ExecutionResult(ExecutionInfo('1', True, False, True, None))
            self.ExecutionInfo = ExecutionInfo
            self.ExecutionResult = ExecutionResult
            self.sync_runner = _pseudo_sync_runner
            self.one_line_specials = (Macro, IPyAutocall)
            self.supported = all(hasattr(shell, name) for name in (
                'run_code', 'builtin_trap', 'display_trap', 'history_manager', 'logger', 'events', 'compile',
                'ast_transformers', 'input_transformers_post', 'autoawait'))
        except Exception:
            self.supported = False
        shell.mathcoder_plain_text = None
        if self.supported:
            from plain_text import PlainText  # here, not at the top: IPython is imported only once lightened

            shell.mathcoder_plain_text = PlainText(shell.display_formatter.formatters['text/plain'])

    def run_cell(self, raw_cell):
        plan = self.plan(raw_cell)
        if plan is None:
            # IPython's own syntax (a magic such as %precision or %config) can change how values are shown: from
            # here on this session's values go through IPython's printer.
            self.shell.mathcoder_plain_text = None
            return self.shell.run_cell(raw_cell, store_history=True, silent=False)
        shell = self.shell
        result = None
        try:
            result = self.run_planned(raw_cell, *plan)
        finally:
            shell.events.trigger('post_execute')
            shell.events.trigger('post_run_cell', result)
        return result

    def plan(self, raw_cell):
        """(cell, cell name, code objects) when the cell can go the fast way, else None. IPython would run the same cell text
        (its transformers change nothing here, but add the final newline) as the same statements: all but a last
        expression in 'exec' mode, a last expression in 'single' mode, so that its value is displayed."""
        shell = self.shell
        if (not self.supported or not raw_cell or raw_cell[0].isspace() or NEEDS_IPYTHON.search(raw_cell)
                or shell.ast_transformers or shell.input_transformers_post or shell.autoawait):
            return None
        cell = raw_cell if raw_cell.endswith('\n') else raw_cell + '\n'
        if cell.count('\n') == 1:
            # A one-line cell goes through IPython's prefilter, which turns a macro or an autocall object into a call.
            name = LEADING_NAME.match(cell)
            if name is not None and isinstance(shell.user_ns.get(name.group(1)), self.one_line_specials):
                return None
        try:
            name = shell.compile.cache(cell, shell.execution_count, raw_code=raw_cell)
            flags = shell.compile.flags & FUTURE_FLAGS
            split = self.split_last_expression(cell, name, flags)
            if split is None:
                return cell, name, [compile(cell, name, 'exec', flags, True)]
            start, before = split
            # Blank lines before the last expression keep its line numbers (tracebacks, linecache).
            last = compile('\n' * cell.count('\n', 0, start) + cell[start:], name, 'single', flags, True)
            return cell, name, ([before] if cell[:start].strip() else []) + [last]
        except Exception:
            return None

    @staticmethod
    def split_last_expression(cell, name, flags):
        """(offset, code of the statements before it) when the cell's last statement is an expression starting at
        that offset; else None. Tries the top-level line starts from the end: the first from which the rest of the
        cell is one expression and before which the cell is complete statements. A line inside a string or brackets
        of the last statement leaves the part before it incomplete, and one inside a compound statement leaves no
        expression after it."""
        starts = [match.start() for match in STATEMENT_START.finditer(cell)]
        for start in reversed(starts):
            try:
                compile(cell[start:], name, 'eval', flags, True)
            except SyntaxError:
                continue
            try:
                return start, compile(cell[:start], name, 'exec', flags, True)
            except SyntaxError:
                continue  # the line continues the statement before it (a backslash)
        return None

    def run_planned(self, raw_cell, cell, name, codes):
        """IPython's run_cell_async for a planned cell, with the statements already compiled."""
        shell = self.shell
        info = self.ExecutionInfo(raw_cell, True, False, True, None)
        result = self.ExecutionResult(info)
        result.execution_count = shell.execution_count
        try:
            shell.events.trigger('pre_execute')
            shell.events.trigger('pre_run_cell', info)
            shell.history_manager.store_inputs(shell.execution_count, cell, raw_cell)
            shell.logger.log(cell, raw_cell)
            with shell.builtin_trap:
                with shell.display_trap:
                    shell.displayhook.exec_result = result
                    has_raised = False
                    for code in codes:
                        if self.sync_runner(shell.run_code(code, result, async_=False)):
                            has_raised = True
                            break
                    shell.last_execution_succeeded = not has_raised
                    shell.last_execution_result = result
                    shell.displayhook.exec_result = None
            shell.history_manager.store_output(shell.execution_count)
            shell.execution_count += 1
        except BaseException as error:  # as IPython's _run_cell: an interrupt outside the user's code
            result.error_in_exec = error
            shell.showtraceback(running_compiled_code=True)
        return result
