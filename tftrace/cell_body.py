"""A ``%%tftrace`` cell body run the way IPython runs a plain cell.

``Body`` transforms, caches, compiles (under the cell's execution count, lines numbered
as in the cell) and runs the body through the shell's AST transformers and
``run_ast_nodes``, so line magics, ``!shell``, the displayhook (``Out[N]``, ``_``, ``;``),
``%xmode`` tracebacks and top-level ``await`` behave as in any cell. ``ShownOnce`` keeps
IPython from showing the body's exception a second time when the magic re-raises it.
"""

from __future__ import annotations

import sys


class Body:
    """A ``%%tftrace`` body as IPython runs a cell: transformed, cached and compiled under the
    cell's execution count with its lines numbered as in the cell (line 1 is the magic's),
    run by ``run_ast_nodes``. Errors are shown where they happen, as in a plain cell; each
    step answers the exception it showed (None when all went well)."""

    def __init__(self, shell, raw: str, number: int):
        self.shell = shell
        self.raw = raw
        self.number = number
        self.transform_error = None
        try:
            self.transformed = shell.transform_cell(raw)
        except Exception:  # noqa: BLE001 - shown when the body would run, as run_cell shows it
            self.transformed = raw
            self.transform_error = sys.exc_info()
        self.awaits = self.transform_error is None and shell.should_run_async(
            raw, transformed_cell=self.transformed, preprocessing_exc_tuple=None)
        self.nodes: list = []
        self.name = ""

    def compile(self):
        """Cache and parse the body, then its AST transformations (run_cell_async's steps)."""
        from IPython.core.error import InputRejected

        shell = self.shell
        if self.transform_error is not None:
            shell.showtraceback(self.transform_error)
            return self.transform_error[1]
        # IPython drops a body's leading blank lines; these, and the %%tftrace line, come back
        # as blank lines so that line numbers are the cell's
        source = "\n" * (1 + _leading_blank_lines(self.raw)) + self.transformed
        with shell.builtin_trap:
            self.name = shell.compile.cache(source, self.number, raw_code=self.raw)
            try:
                tree = shell.compile.ast_parse(source, filename=self.name)
            except shell.custom_exceptions:
                shell.CustomTB(*sys.exc_info())
                return sys.exc_info()[1]
            except IndentationError:
                shell.showindentationerror()
                return sys.exc_info()[1]
            except (OverflowError, SyntaxError, ValueError, TypeError, MemoryError):
                shell.showsyntaxerror()
                return sys.exc_info()[1]
            try:
                tree = shell.transform_ast(tree)
            except InputRejected:
                shell.showtraceback()
                return sys.exc_info()[1]
        self.nodes = tree.body
        return None

    async def run(self, interactivity: str):
        """One run of the compiled body in the user's namespace; the exception it showed, or None."""
        shell = self.shell
        outcome = _Outcome()
        with shell.builtin_trap, shell.display_trap, _SemicolonOfBody(shell.displayhook, self.transformed):
            # a fresh list each run: 'last_expr_or_assign' appends to the one it is given
            await shell.run_ast_nodes(list(self.nodes), self.name, interactivity=interactivity,
                                      compiler=shell.compile, result=outcome)
        return outcome.error_before_exec or outcome.error_in_exec


class _Outcome:
    """What ``run_ast_nodes`` and ``run_code`` write an exception to (an ExecutionResult's part)."""

    error_before_exec = None
    error_in_exec = None


def _leading_blank_lines(text: str) -> int:
    """How many whole blank lines start ``text`` (what IPython's leading_empty_lines drops)."""
    count = 0
    for line in text.splitlines(keepends=True):
        if line.strip():
            break
        count += 1
    return count


class _SemicolonOfBody:
    """While the body runs, the displayhook's ``;`` test reads the body: IPython reads the last
    cell in its history, here the ``%%tftrace`` cell as IPython rewrote it (a magic call)."""

    def __init__(self, displayhook, transformed: str):
        self.displayhook = displayhook
        self.quiet = not transformed.strip() or displayhook.semicolon_at_end_of_expression(transformed)
        self.had = "quiet" in vars(displayhook)

    def __enter__(self):
        if not self.had:
            self.displayhook.quiet = lambda: self.quiet
        return self

    def __exit__(self, *exc) -> None:
        if not self.had:
            vars(self.displayhook).pop("quiet", None)


class ShownOnce:
    """The body's exception, already shown where it happened as a plain cell shows it, is
    re-raised so that the ``%%tftrace`` cell fails with it; IPython's handler of that cell must
    not show it a second time. Until then (or the end of the cell: ``post_execute``), the
    shell's traceback display passes over this one exception object and nothing else."""

    def __init__(self, shell, exc: BaseException):
        self.shell = shell
        self.exc = exc
        self.saved: dict = {}
        self.installed: tuple = ()

    def install(self) -> None:
        shell = self.shell
        earlier = getattr(vars(shell).get("showtraceback"), "shown_once", None)
        if earlier is not None:  # a magic called twice in one cell: one exception passed over at a time
            earlier.uninstall()
        self.saved = {name: vars(shell).get(name, _ABSENT) for name in ("showtraceback", "CustomTB")}
        show, custom = shell.showtraceback, shell.CustomTB

        def showtraceback(exc_tuple=None, *args, **kwargs):
            if self._is_ours(exc_tuple):
                return None
            return show(exc_tuple, *args, **kwargs)

        def custom_tb(etype, value, tb, *args, **kwargs):
            if self._is_ours((etype, value, tb)):
                return None
            return custom(etype, value, tb, *args, **kwargs)

        showtraceback.shown_once = self
        shell.showtraceback, shell.CustomTB = showtraceback, custom_tb
        self.installed = (showtraceback, custom_tb)
        shell.events.register("post_execute", self.uninstall)

    def _is_ours(self, exc_tuple) -> bool:
        value = exc_tuple[1] if exc_tuple else sys.exc_info()[1]
        if self.exc is None or value is not self.exc:
            return False
        self.uninstall()
        return True

    def uninstall(self) -> None:
        shell = self.shell
        for (name, saved), mine in zip(self.saved.items(), self.installed):
            if vars(shell).get(name) is not mine:
                continue  # replaced since: not ours to restore
            if saved is _ABSENT:
                del vars(shell)[name]
            else:
                setattr(shell, name, saved)
        try:
            shell.events.unregister("post_execute", self.uninstall)
        except ValueError:
            pass
        self.exc = None


_ABSENT = object()


def run_to_end(coro):
    """Drive a coroutine that never suspends (a body without ``await``), as IPython runs a cell
    that needs no loop."""
    try:
        coro.send(None)
    except StopIteration as done:
        return done.value
    coro.close()
    raise RuntimeError("%%tftrace: the body suspended without an event loop")


def loop_running() -> bool:
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True
