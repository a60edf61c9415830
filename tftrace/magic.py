"""``%%tftrace`` and ``%tftrace``: thin IPython wiring over trace(), the store and sources.

The cell runs in the user's namespace and, like any cell, its last expression is its
result; if it raises, its profile is still shown and stored, then the original
exception propagates with its traceback. A ``--report`` path that cannot be written
is one warning line, never an exception in the cell's place. tftrace's own errors
(a corrupt run file, an unknown run) are ``UsageError`` lines.
"""

from __future__ import annotations

import argparse
import ast
import shlex
import sys

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, magics_class

from .capture.session import active_trace, trace
from .errors import TftraceError

CELL_USAGE = "%%tftrace [--name N] [--no-python] [--report PATH] [--quiet] [--repeat N]"
LINE_USAGE = ("%tftrace list | show RUN | export RUN PATH | diff A B [--noise PCT] | "
              "capture HOST:PORT[,HOST:PORT...] [DURATION_MS]")


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(f"{message}\nusage: {self.usage}")


def _cell_parser() -> _Parser:
    parser = _Parser(prog="%%tftrace", usage=CELL_USAGE, add_help=False)
    parser.add_argument("--name", default="")
    parser.add_argument("--no-python", action="store_true")
    parser.add_argument("--report", default=None)
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument("--repeat", type=_positive, default=1)
    return parser


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"--repeat takes a whole number >= 1, not {text!r}")
    return int(text)


@magics_class
class TftraceMagics(Magics):
    @line_cell_magic
    def tftrace(self, line: str, cell: str | None = None):
        try:
            if cell is None:
                return self._line(line)
            return self._cell(line, cell)
        except TftraceError as exc:
            raise UsageError(str(exc)) from None

    def _cell(self, line: str, cell: str):
        args = _cell_parser().parse_args(_split(line))
        if active_trace() is not None:
            raise UsageError("%%tftrace cannot run inside another trace: traces do not nest")
        body, last = self._compile(cell)
        t = trace(name=args.name or "cell", python=not args.no_python)
        def run_cell():
            exec(body, self.shell.user_ns)  # noqa: S102 - running the user's own cell
            return None if last is None else eval(last, self.shell.user_ns)  # noqa: S307 - its last expression

        value = None
        try:
            with t:
                if args.repeat > 1:
                    from .capture.repeats import run_repeated

                    value = run_repeated(run_cell, args.repeat)
                else:
                    value = run_cell()
        finally:
            if t.profile is not None:
                self._after(t, args)
        return None if cell.rstrip().endswith(";") else value

    def _compile(self, cell: str):
        """(code of the cell, code of its last expression or None): like a plain cell,
        a final expression's value becomes the cell's result."""
        # cached under this cell's execution count, with a blank first line for the %%tftrace
        # line: tracebacks and locations read "Cell In[7], line 3" as in any cell
        source = "\n" + cell
        filename = self.shell.compile.cache(source, self._running_cell_number())
        tree = ast.parse(source, filename)
        last = None
        if tree.body and isinstance(tree.body[-1], ast.Expr):
            last = compile(ast.Expression(tree.body.pop().value), filename, "eval")
        return compile(tree, filename, "exec"), last

    def _running_cell_number(self) -> int:
        """The execution count of the cell running this magic: the number IPython compiled the
        calling cell under (IPython 9 has already counted past it in ``execution_count``)."""
        numbers = getattr(self.shell.compile, "_filename_map", {})
        frame = sys._getframe(1)
        while frame is not None:
            number = numbers.get(frame.f_code.co_filename)
            if isinstance(number, int):
                return number
            frame = frame.f_back
        return self.shell.execution_count

    def _after(self, t, args) -> None:
        from .display import show

        from .analysis.findings import one_line

        if t.profile.findings:  # one line under the cell, above the views
            print(one_line(t.profile.findings), file=sys.stderr)
        if args.report:
            try:
                t.profile.to_html(args.report)
            except TftraceError as exc:  # a warning: the cell's own result or exception comes first
                print(f"tftrace: the report was not written: {exc}", file=sys.stderr)
        if not args.quiet:
            show(t.profile, t.run_id)

    def _diff(self, a_source: str, b_source: str, noise: str | None):
        from .diff import diff
        from .display import show_diff

        a, b = _resolve(a_source), _resolve(b_source)
        return show_diff(diff(a.profile, b.profile, a.run_id or "", b.run_id or "", noise=_noise(noise)))

    def _line(self, line: str):
        from .display import show
        from .store import Store

        words = _split(line)
        if not words:
            raise UsageError(f"usage: {LINE_USAGE}")
        command, rest = words[0], words[1:]
        if command == "list" and not rest:
            return _RunList(Store().list())
        if command == "show" and len(rest) == 1:
            loaded = _resolve(rest[0])
            return show(loaded.profile, loaded.run_id or rest[0])
        if command == "export" and len(rest) == 2:
            return _resolve(rest[0]).profile.to_html(rest[1])
        if command == "diff" and len(rest) in (2, 4) and (len(rest) == 2 or rest[2] == "--noise"):
            return self._diff(rest[0], rest[1], rest[3] if len(rest) == 4 else None)
        if command == "capture" and len(rest) in (1, 2) and (len(rest) == 1 or rest[1].isdigit()):
            from .capture.remote import capture_workers

            profile, run_id = capture_workers(rest[0], int(rest[1]) if len(rest) == 2 else 2000)
            return show(profile, run_id)
        raise UsageError(f"usage: {LINE_USAGE}")


def _split(line: str) -> list[str]:
    """The magic's words, shell-quoted; an unclosed quote is a UsageError."""
    try:
        return shlex.split(line)
    except ValueError as exc:
        raise UsageError(f"cannot read the magic's arguments: {exc}") from None


def _noise(text: str | None) -> float:
    from .diff.verdict import NOISE

    if text is None:
        return NOISE
    try:
        pct = float(text)
    except ValueError:
        pct = -1.0
    if not 0 <= pct < 1000:
        raise UsageError(f"--noise takes a percentage between 0 and 1000, not {text!r}")
    return pct / 100


def _resolve(source: str):
    """``sources.resolve`` for show/export; its note (several runs share that name) goes
    to stderr once, like the command line's."""
    from .sources import resolve

    loaded = resolve(source)
    if loaded.note:
        print(f"tftrace: {loaded.note}", file=sys.stderr)
    return loaded


class _RunList:
    def __init__(self, runs: list[dict]):
        self.runs = runs

    def __repr__(self) -> str:
        from .store import format_runs

        return format_runs(self.runs)


def register(ipython) -> None:
    ipython.register_magics(TftraceMagics)
