"""``%%tftrace`` and ``%tftrace``: thin IPython wiring over trace(), the store and sources.

The body of a ``%%tftrace`` cell goes through IPython's own path, as a plain cell does:
``transform_cell`` (line magics, ``!shell``, ``%%`` help), the shell's compiler under the
cell's execution count (tracebacks and locations read ``Cell In[7], line 3``, line 1 being
the ``%%tftrace`` line), its AST transformers and ``run_ast_nodes`` (the displayhook,
``Out[N]`` and ``_``, ``;``, ``%xmode``, top-level ``await``). What the body prints,
displays and raises appears where it happens, above the profile views; an exception is
shown once, as a plain cell shows it, then re-raised after the profile was stored and
shown, so the cell fails with the original exception. A ``--report`` path that cannot be
written is one warning line, never an exception in the cell's place. tftrace's own errors
(a corrupt run file, an unknown run) are ``UsageError`` lines.

Top-level ``await`` needs a running loop to await in. In a kernel the loop is already
running the cell, so a cell that starts with ``%%tftrace`` and whose body awaits is
rewritten (an input transformer, see ``register``) into an awaited call of the magic:
IPython then runs the whole cell as it runs any cell with ``await``.
"""

from __future__ import annotations

import argparse
import shlex
import sys

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, magics_class

from .capture.session import active_trace, trace
from .cell_body import Body, ShownOnce, loop_running, run_to_end
from .errors import TftraceError

CELL_USAGE = ("%%tftrace [--name N] [--no-python] [--report PATH] [--quiet] [--repeat N]\n"
              "          [--workers HOST:PORT[,HOST:PORT...] [--workers-ms MS]]")
LINE_USAGE = ("%tftrace list | show RUN | export RUN PATH | diff A B [--noise PCT] | "
              "capture HOST:PORT[,HOST:PORT...] [DURATION_MS]")

HELP = f"""Profile TensorFlow in a notebook cell; list, show, compare stored runs.

Cell magic:

  {CELL_USAGE}
  <the cell's code>

  The code runs exactly as in a plain cell (line magics, !shell lines,
  top-level await, display(), the last expression's value) while tftrace
  records TensorFlow ops, GPU kernels, tf.function calls and Python stacks.
  The views appear under the cell's own output. If the code raises, the
  profile is still stored and shown, then the cell fails with the original
  exception. Every run is stored under TFTRACE_HOME.

  --name N       name the run (default: cell)
  --no-python    no Python stacks (py-spy is not started)
  --report PATH  also write the self-contained HTML report to PATH
  --quiet        no views under the cell (the run is still stored)
  --repeat N     run the code N times in one profile, each run a step
                 (the first is warm-up); only the last run's value shows
  --workers HOST:PORT[,HOST:PORT...]
                 also trace these workers (tftrace.serve() or TensorFlow
                 profiler servers), one host each in the same profile
  --workers-ms MS  how long the workers are traced from the cell's start
                 (default 5000; a profiler server's window is fixed)

Line magic:

  %tftrace list                    the stored runs, newest first
  %tftrace show RUN                the views of a run
  %tftrace export RUN PATH         write the HTML report of a run to PATH
  %tftrace diff A B [--noise PCT]  compare run B (after) with run A
                                   (before) step by step; --noise: how
                                   much separate runs of the same code
                                   differ, in percent (default 20)
  %tftrace capture HOST:PORT[,HOST:PORT...] [DURATION_MS]
                                   trace TensorFlow profiler servers
                                   (tf.profiler.experimental.server) for
                                   DURATION_MS (default 2000)

  RUN, A, B: a run id or a unique prefix of one, a run name (its newest
  run), a .tftrace file, an .xplane.pb or a TensorBoard log directory.

Examples:

  %load_ext tftrace

  %%tftrace --name baseline
  model.fit(x, y, epochs=1)

  %%tftrace --repeat 5 --quiet --name bigger
  loss = train_step(batch)

  %tftrace diff baseline bigger
  %tftrace show baseline
  %tftrace export baseline report.html
"""


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
    parser.add_argument("--workers", default=None)
    parser.add_argument("--workers-ms", type=_positive, default=5000)
    return parser


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"takes a whole number >= 1, not {text!r}")
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

    tftrace.__doc__ = HELP

    def _cell(self, line: str, cell: str):
        """``%%tftrace`` called the usual way (``run_cell_magic``): the body runs here, on
        IPython's loop runner if it awaits and no loop is running in this thread yet."""
        args, body = self._prepare(line, cell)
        if not body.awaits:
            self._reraise(run_to_end(self._traced(args, body)))
        elif loop_running():  # only a call made by hand gets here: a cell goes through cell_async
            raise UsageError("%%tftrace: this body uses top-level await, which works when %%tftrace "
                             "starts the cell (here an event loop is already running)")
        else:
            self._reraise((self.shell.trio_runner or self.shell.loop_runner)(self._traced(args, body)))
        return None  # the body's value went through the displayhook, as a plain cell's

    async def cell_async(self, line: str, cell: str):
        """``%%tftrace`` for a body with top-level ``await``: the cell awaits this, in whichever
        loop IPython runs cells with ``await`` in (the kernel's own)."""
        try:
            args, body = self._prepare(line, cell)
            failed = await self._traced(args, body)
        except TftraceError as exc:
            raise UsageError(str(exc)) from None
        self._reraise(failed)

    def _prepare(self, line: str, cell: str):
        args = _cell_parser().parse_args(_split(line))
        if active_trace() is not None:
            raise UsageError("%%tftrace cannot run inside another trace: traces do not nest")
        return args, Body(self.shell, cell, self._running_cell_number())

    async def _traced(self, args, body: "Body"):
        """Run the body under a trace and show the profile; (the exception the body raised, its
        traceback as shown), or None. It is re-raised by the caller: raised out of a coroutine,
        a StopIteration would become a RuntimeError."""
        failure = body.compile()  # a body that does not compile runs nothing: no trace
        shown = failure.__traceback__ if failure is not None else None
        if failure is None:
            t = trace(name=args.name or "cell", python=not args.no_python, workers=args.workers,
                      workers_ms=args.workers_ms)
            try:
                with t:
                    failure = await self._repeat(body, args.repeat)
                    if failure is not None:  # the profile records it (its error)
                        shown = failure.__traceback__
                        raise failure
            except BaseException as exc:
                if exc is not failure:
                    raise
            finally:
                if t.profile is not None:
                    # what the cell leaves for after it (inline figures) comes above the views
                    self.shell.events.trigger("post_execute")
                    self._after(t, args)
        return None if failure is None else (failure, shown)

    def _reraise(self, failed) -> None:
        """The body's exception, already shown where it happened, out of the magic: the cell
        fails with it (shown once), and code that called the magic gets it."""
        if failed is not None:
            failure, traceback = failed
            ShownOnce(self.shell, failure).install()
            raise failure.with_traceback(traceback)  # from the body's frames down, as it was shown

    async def _repeat(self, body: "Body", times: int):
        """Run the body ``times`` times, each inside a repeat marker when more than once; the
        first exception stops the repeats (those before it are in the profile)."""
        if times == 1:
            return await body.run(self.shell.ast_node_interactivity)
        from .capture.repeats import repeat_step

        for n in range(1, times + 1):
            with repeat_step(n):  # only the last run's values are shown, as the cell's
                failure = await body.run(self.shell.ast_node_interactivity if n == times else "none")
            if failure is not None:
                return failure
        return None

    def _running_cell_number(self) -> int:
        """The execution count of the cell running this magic: the one its ExecutionResult
        holds (IPython 9 has already counted past it in ``execution_count``), else the number
        IPython compiled the calling code under."""
        running = getattr(self.shell.displayhook, "exec_result", None)
        if isinstance(getattr(running, "execution_count", None), int):
            return running.execution_count
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

    def _diff(self, a_source: str, b_source: str, noise: str | None) -> None:
        from .diff import diff
        from .display import show_diff

        a, b = _resolve(a_source), _resolve(b_source)
        show_diff(diff(a.profile, b.profile, a.run_id or "", b.run_id or "", noise=_noise(noise)))

    def _line(self, line: str):
        from .display import show
        from .store import Store

        words = _split(line)
        if not words:
            raise UsageError(f"usage: {LINE_USAGE}")
        command, rest = words[0], words[1:]
        if command == "list" and not rest:
            return _RunList(Store().list())
        # show, diff and capture display their views and return None: a value would be shown
        # a second time as the cell's Out[N]
        if command == "show" and len(rest) == 1:
            loaded = _resolve(rest[0])
            show(loaded.profile, loaded.run_id or rest[0])
            return None
        if command == "export" and len(rest) == 2:
            return _resolve(rest[0]).profile.to_html(rest[1])
        if command == "diff" and len(rest) in (2, 4) and (len(rest) == 2 or rest[2] == "--noise"):
            self._diff(rest[0], rest[1], rest[3] if len(rest) == 4 else None)
            return None
        if command == "capture" and len(rest) in (1, 2) and (len(rest) == 1 or rest[1].isdigit()):
            from .capture.remote import capture_workers

            profile, run_id = capture_workers(rest[0], int(rest[1]) if len(rest) == 2 else 2000)
            show(profile, run_id)
            return None
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


class _AwaitedCell:
    """Input transformer: a cell that starts with ``%%tftrace`` and whose body uses top-level
    ``await`` becomes one awaited call of the magic, so that IPython runs the cell as it runs
    any cell with ``await`` (in a kernel: in the kernel's running loop). Other cells pass."""

    has_side_effects = True  # check_complete leaves it out: a %%tftrace cell ends at a blank line
    tftrace = True  # which transformer register() replaces

    def __init__(self, shell):
        self.shell = shell

    def __call__(self, lines: list[str]) -> list[str]:
        if not lines or not lines[0].startswith("%%tftrace"):
            return lines
        name, _, line = lines[0][2:].rstrip().partition(" ")
        body = "".join(lines[1:])
        if name != "tftrace" or not body.strip() or not self._awaits(body):
            return lines
        return [f"await get_ipython().magics_manager.registry[{TftraceMagics.__name__!r}]"
                f".cell_async({line!r}, {body!r})\n"]

    def _awaits(self, body: str) -> bool:
        try:
            return self.shell.should_run_async(body, transformed_cell=self.shell.transform_cell(body),
                                               preprocessing_exc_tuple=None)
        except Exception:  # noqa: BLE001 - the magic shows what is wrong with the body when it runs it
            return False


def register(ipython) -> None:
    ipython.register_magics(TftraceMagics)
    cleanup = ipython.input_transformers_cleanup
    cleanup[:] = [t for t in cleanup if not getattr(t, "tftrace", False)]  # once, on reload too
    cleanup.append(_AwaitedCell(ipython))
