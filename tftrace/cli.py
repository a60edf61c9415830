"""The ``tftrace`` command: run, stats, report, export, diff, capture (workers), ls.

Errors are one line on stderr and an exit code from the error hierarchy (``errors.py``;
130 after Ctrl-C); a traceback only with ``--debug``.
"""

from __future__ import annotations

import argparse
import gc
import os
import runpy
import sys
from contextlib import contextmanager

from .errors import OutputError, StoreError, TftraceError

INTERRUPTED = 130  # Ctrl-C, like a shell
_SOURCE_HELP = "a run file, run id or run name from the store, an .xplane.pb, or a TensorBoard log directory"
_EXPORT_FORMATS = ("chrome", "speedscope", "csv", "tensorboard", "chrome-trace")


def _parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(prog="tftrace", description="Profile TensorFlow programs.")
    parser.add_argument("--version", action="version", version=f"tftrace {__version__}")
    parser.add_argument("--debug", action="store_true", help="show a traceback with every error")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run a Python script (or -m module) under a trace",
                         usage="tftrace run [-h] [-o OUTPUT] [--no-python] [--repeat N] [--verbose] "
                               "(SCRIPT | -m MODULE) [ARGS ...]",
                         description="Run a Python script, or a module like python -m, under a trace; its output "
                                     "and exit code pass through.")
    run.add_argument("-o", "--output", help="write the run file here (default: the run store)")
    run.add_argument("--no-python", action="store_true", help="do not sample Python stacks")
    run.add_argument("--repeat", type=int, default=1, metavar="N",
                     help="run the script N times in one profile, each run a step (to compare runs with)")
    run.add_argument("--verbose", action="store_true", help="let TensorFlow's C++ log lines through to stderr")
    run.add_argument("-m", dest="module", nargs=argparse.REMAINDER, metavar="MODULE ...",
                     help="run a library module as a script, like python -m (the rest of the line is its arguments)")
    run.add_argument("script", nargs="?", help="the Python script to run")
    run.add_argument("args", nargs=argparse.REMAINDER, help="the script's own arguments")
    stats = sub.add_parser("stats", help="print op, kernel and function statistics")
    stats.add_argument("source", help=_SOURCE_HELP)
    stats.add_argument("--format", choices=("table", "json", "csv"), default="table",
                       help="a table for people (default), JSON (schema tftrace.stats/2) or CSV of the ops")
    stats.add_argument("--top", type=int, default=None, metavar="N", help="only the N rows with the most time")
    stats.add_argument("--group", choices=("kernel", "op"), default="kernel",
                       help="GPU kernels grouped by kernel and launch shape (default) or by TensorFlow op")
    report = sub.add_parser("report", help="write a self-contained HTML report")
    report.add_argument("source", help=_SOURCE_HELP)
    report.add_argument("-o", "--output", required=True, metavar="REPORT.html", help="the HTML file to write")
    export = sub.add_parser("export", help="write a profile in another tool's format")
    export.add_argument("source", help=_SOURCE_HELP)
    export.add_argument("--format", choices=_EXPORT_FORMATS, required=True,
                        help="chrome: Chrome Trace Event JSON (Perfetto UI, chrome://tracing); speedscope: the flame "
                             "tree for speedscope; csv: one CSV file per table into a directory; tensorboard: a log "
                             "directory for TensorBoard's profile plugin (chrome-trace: same as chrome)")
    export.add_argument("-o", "--output", required=True, metavar="PATH",
                        help="the file to write (csv, tensorboard: the directory)")
    diff = sub.add_parser("diff", help="compare two runs step by step: what changed beyond run-to-run noise")
    diff.add_argument("a", help="the run before: a run file, run id, run name, .xplane.pb or log directory")
    diff.add_argument("b", help="the run after (same kinds as A)")
    diff.add_argument("--format", choices=("table", "json"), default="table",
                      help="a table for people (default) or JSON (schema tftrace.diff/1)")
    diff.add_argument("--html", metavar="OUT.html", help="also write the comparison as a self-contained HTML report")
    diff.add_argument("--all", action="store_true", help="list the rows with no detectable change too")
    diff.add_argument("--noise", type=float, default=None, metavar="PCT",
                      help="how much separate runs of the same code differ on this machine, in percent "
                           "(default 20; a quiet machine: 5)")
    capture = sub.add_parser("capture", help="trace TensorFlow profiler servers on workers (multi-host)")
    capture.add_argument("workers", help="host:port[,host:port...] of tf.profiler.experimental.server.start(port)")
    capture.add_argument("--duration-ms", type=int, default=2000, metavar="MS",
                         help="how long to trace the workers, in milliseconds (default 2000)")
    capture.add_argument("-o", "--output", help="write the run file here (default: the run store)")
    capture.add_argument("--allow-partial", action="store_true",
                         help="exit 0 even when some workers could not be captured (the profile keeps the others)")
    capture.add_argument("--verbose", action="store_true", help="let TensorFlow's C++ log lines through to stderr")
    sub.add_parser("ls", help="list the runs in the store")
    return parser


def _target(args):
    """(run name, a callable that runs the script or module as ``__main__``); sets sys.argv and
    sys.path as ``python SCRIPT`` / ``python -m MODULE`` would."""
    if args.module is not None:
        module, *rest = args.module  # after -m MODULE, everything is the module's (argparse: REMAINDER)
        import importlib.util

        sys.path.insert(0, os.getcwd())
        try:
            found = importlib.util.find_spec(module)
        except (ImportError, ValueError):
            found = None
        if found is None:
            raise TftraceError(f"{module}: no module of that name")
        sys.argv = [module, *rest]  # runpy puts the module's file in sys.argv[0]
        return module, lambda: runpy.run_module(module, run_name="__main__", alter_sys=True)
    if not os.path.isfile(args.script):
        raise TftraceError(f"{args.script}: no such script")
    sys.argv = [args.script, *args.args]
    sys.path.insert(0, os.path.dirname(os.path.abspath(args.script)))
    return os.path.basename(args.script), lambda: runpy.run_path(args.script, run_name="__main__")


def _run(args) -> int:
    from .capture import trace

    if args.repeat < 1:
        raise TftraceError(f"--repeat takes a whole number >= 1, not {args.repeat}")
    name, target = _target(args)
    t = trace(name=name, python=not args.no_python, store=args.output is None)
    with _quiet_unless(args.verbose) as terminal:
        code = _run_script(t, target, args.repeat, terminal)
    if t.profile is None:
        return code
    where, problem = _kept(t.profile, args.output, t.run_id)
    print(f"tftrace: {t.profile.event_count:,} events, {len(t.profile.ops)} ops" + (f" -> {where}" if where else ""),
          file=sys.stderr)
    from .analysis.findings import one_line

    if t.profile.findings:
        print(one_line(t.profile.findings), file=sys.stderr)
    return code or problem


def _quiet_unless(verbose: bool):
    """TensorFlow's C++ log lines dropped from stderr, unless ``--verbose``; gives the descriptor
    of the real stderr."""
    if verbose:
        import contextlib

        return contextlib.nullcontext(2)
    from .terminal import quiet_tensorflow_logs

    return quiet_tensorflow_logs()


@contextmanager
def _traced(t, terminal: int):
    """The body of ``with t:`` (T already entered), then the trace's end (stopping the profiler,
    the analysis, storing) under a progress line on descriptor ``terminal``."""
    from .terminal import progress

    try:
        yield
    except BaseException:
        with progress("analysing the trace", terminal):
            if not t.__exit__(*sys.exc_info()):
                raise
    else:
        with progress("analysing the trace", terminal):
            t.__exit__(None, None, None)


def _run_script(t, target, repeat: int, terminal: int = 2) -> int:
    """Run ``target`` under trace T; its exit code (a Ctrl-C: 130), its own errors shown like python's.
    T's own errors on entering (no TensorFlow, a trace already running) are tftrace's: one line."""
    t.__enter__()
    try:
        with _traced(t, terminal):
            if repeat > 1:
                from .capture.repeats import run_repeated

                run_repeated(target, repeat)
            else:
                target()
    except SystemExit as exc:
        if exc.code is not None and not isinstance(exc.code, int):
            print(exc.code, file=sys.stderr)
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except KeyboardInterrupt:
        print("KeyboardInterrupt", file=sys.stderr)
        return INTERRUPTED
    except BaseException:  # the script's own error: show it like python would
        import traceback
        traceback.print_exc()
        return 1
    return 0


def _kept(profile, output: str | None, run_id: str | None) -> tuple[str, int]:
    """(where the run went, or "" if a line already said so; exit code for what went wrong).

    ``-o`` that cannot be written: the run goes to the store, else beside the working
    directory (one line says where). No ``-o``: the trace stored it or said where it went.
    """
    if not output:
        return (f"run {run_id}", 0) if run_id else ("", StoreError.exit_code)
    try:
        return profile.save(output), 0
    except OutputError as exc:
        from .keep import into_store

        kept = into_store(profile, problem=str(exc))
        print(f"tftrace: {kept.message}", file=sys.stderr)
        return "", OutputError.exit_code


def _load(args, keep_raw: bool = True, step_ops: bool = True):
    """The Profile behind ``args.source``; a note about it (several runs share that name)
    goes to stderr once."""
    from .sources import resolve
    from .terminal import progress

    with progress("analysing the profile"):
        loaded = resolve(args.source, keep_raw=keep_raw, processes=args.processes, step_ops=step_ops)
    if loaded.note:
        print(f"tftrace: {loaded.note}", file=sys.stderr)
    return loaded.profile


def _stats(args) -> int:
    from . import stats

    profile = _load(args, keep_raw=False, step_ops=False)
    if args.format == "json":  # megabytes on a large profile: written as the bytes orjson made
        data = stats.to_json_bytes(profile, args.top, args.group) + b"\n"
        binary = getattr(sys.stdout, "buffer", None)
        if binary is None:  # a text-only stdout (redirected in-process)
            sys.stdout.write(data.decode())
        else:
            sys.stdout.flush()
            binary.write(data)
        return 0
    render = {"table": lambda p: stats.to_table(p, top=args.top or 20, group=args.group) + "\n",
              "csv": lambda p: stats.to_csv(p, args.top)}
    sys.stdout.write(render[args.format](profile))
    return 0


def _report(args) -> int:
    print(_load(args, step_ops=False).to_html(args.output))
    return 0


def _export(args) -> int:
    from .export import write
    from .terminal import progress

    profile = _load(args, step_ops=False)
    with progress(f"writing the {args.format} export"):
        written = write(profile, args.format, args.output)
    print(written)
    return 0


def _diff(args) -> int:
    import json

    from .diff import diff
    from .diff.table import to_table
    from .sources import resolve

    loaded = []
    for source in (args.a, args.b):
        found = resolve(source, processes=args.processes)
        if found.note:
            print(f"tftrace: {found.note}", file=sys.stderr)
        loaded.append(found)
    from .diff.verdict import NOISE

    if args.noise is not None and not 0 <= args.noise < 1000:
        raise TftraceError(f"--noise takes a percentage between 0 and 1000, not {args.noise:g}")
    noise = NOISE if args.noise is None else args.noise / 100
    result = diff(loaded[0].profile, loaded[1].profile, loaded[0].run_id or "", loaded[1].run_id or "", noise=noise)
    if args.html:
        from .report import write_diff_report

        print(f"tftrace: comparison written to {write_diff_report(result, args.html)}", file=sys.stderr)
    print(json.dumps(result) if args.format == "json" else to_table(result, show_all=args.all))
    return 0


def _capture(args) -> int:
    from .capture.remote import capture_workers

    from .capture.remote import missing_workers
    from .errors import CaptureError

    from .terminal import progress

    with _quiet_unless(args.verbose) as terminal, progress("tracing the workers and analysing", terminal):
        profile, run_id = capture_workers(args.workers, args.duration_ms, store=args.output is None)
    where, problem = _kept(profile, args.output, run_id)
    missing = missing_workers(profile)
    print(f"tftrace: {len(profile.hosts)} of {len(profile.hosts) + len(missing)} worker(s), "
          f"{profile.event_count:,} events, {len(profile.ops)} ops" + (f" -> {where}" if where else ""), file=sys.stderr)
    for row in missing:
        print(f"tftrace: worker {row['address']} missing: {row['reason']}", file=sys.stderr)
    if missing and not args.allow_partial and not problem:
        print(f"tftrace: error: {len(missing)} requested worker(s) missing (the profile keeps the others; "
              "--allow-partial accepts that)", file=sys.stderr)
        return CaptureError.exit_code
    return problem


def _ls(args) -> int:
    from .store import Store, format_runs

    print(format_runs(Store().list()))
    return 0


def main(argv: list[str] | None = None, processes: int = 1) -> int:
    """Run one command; ``processes`` > 1 lets analysis fork (only from the ``tftrace`` command)."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "run" and (args.module == [] or (args.module is None and args.script is None)):
        parser.error("run takes a script or -m MODULE (see tftrace run --help)")  # usage: exit 2
    args.processes = processes
    handler = {"run": _run, "stats": _stats, "report": _report, "export": _export, "diff": _diff,
               "capture": _capture, "ls": _ls}[args.command]
    try:
        return handler(args)
    except KeyboardInterrupt:
        _error("interrupted", args.debug)
        return INTERRUPTED
    except TftraceError as exc:
        _error(f"error: {exc}", args.debug)
        return exc.exit_code
    except Exception as exc:  # noqa: BLE001 - a bug: still one line unless --debug
        _error(f"internal error: {type(exc).__name__}: {exc} (--debug shows the traceback)", args.debug)
        return TftraceError.exit_code


def _error(message: str, debug: bool) -> None:
    """One line on stderr; after the traceback with --debug."""
    if debug:
        import traceback
        traceback.print_exc()
    print(f"tftrace: {message.splitlines()[0] if message.strip() else message}", file=sys.stderr)


_ANALYSIS_ONLY = ("stats", "report", "export", "diff")


def run() -> None:
    """The ``tftrace`` command.

    A command that only analyses a profile and exits runs in several processes
    (``TFTRACE_WORKERS``, default: the CPUs, at most 4), without the cyclic garbage
    collector (analysis makes no cycles worth collecting; ``Space.release`` breaks the
    one it holds; the collector's passes cost ~4 ms of ~110 ms on the GPU fixture), and
    leaves without tearing its objects down one by one (~12 ms).
    """
    argv = sys.argv[1:]
    command = next((arg for arg in argv if not arg.startswith("-")), None)
    if command not in _ANALYSIS_ONLY:
        sys.exit(main(argv))
    gc.disable()
    code = main(argv, processes=int(os.environ.get("TFTRACE_WORKERS") or min(os.cpu_count() or 1, 4)))
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # e.g. piped into head
        pass
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
