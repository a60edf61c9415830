"""Resolve a SOURCE to a Profile: a run file, a run id in the store, an ``.xplane.pb``,
or a TensorBoard log directory (``plugins/profile/<session>/<host>.xplane.pb``)."""

from __future__ import annotations

import glob
import os

from .errors import SourceError


def xplane_files(logdir: str) -> list[str]:
    """The newest profiling session's XSpace files under a TensorBoard log dir."""
    sessions = sorted(glob.glob(os.path.join(logdir, "**", "plugins", "profile", "*"), recursive=True))
    sessions += sorted(glob.glob(os.path.join(logdir, "plugins", "profile", "*")))
    sessions = sorted({s for s in sessions if os.path.isdir(s)}, key=lambda s: (os.path.basename(s), s))
    for session in reversed(sessions):
        files = sorted(glob.glob(os.path.join(session, "*.xplane.pb")))
        if files:
            return files
    direct = sorted(glob.glob(os.path.join(logdir, "*.xplane.pb")))
    if direct:
        return direct
    raise SourceError(f"{logdir}: no profile found (expected plugins/profile/<session>/<host>.xplane.pb)")


def host_of(xplane_path: str) -> str:
    name = os.path.basename(xplane_path)
    return name[: -len(".xplane.pb")] if name.endswith(".xplane.pb") else name


def read_xplanes(paths: list[str]) -> dict:
    blobs = {}
    for path in paths:
        try:
            with open(path, "rb") as f:
                blobs[host_of(path)] = f.read()
        except OSError as exc:
            raise SourceError(f"{path}: cannot read ({exc.strerror})") from None
    return blobs


def load(source, name: str = "", keep_raw: bool = True, processes: int = 1):
    """The Profile behind SOURCE (see module doc).

    ``keep_raw=False`` drops the raw XSpace bytes once analysed (``tftrace stats``
    needs only the tables; exports and reports need the raw XSpace). ``processes`` > 1
    analyses in forked processes: for the command line, never inside a kernel.
    """
    from . import runfile
    from .analysis import analyze_bytes

    source = os.fspath(source)
    if os.path.isdir(source):
        return analyze_bytes(read_xplanes(xplane_files(source)), name=name, source=source, keep_raw=keep_raw,
                             processes=processes)
    if os.path.isfile(source):
        if runfile.is_run_file(source):
            return runfile.load(source, with_xspaces=keep_raw)
        return analyze_bytes(read_xplanes([source]), name=name or host_of(source), source=source, keep_raw=keep_raw,
                             processes=processes)
    if os.sep not in source and not source.endswith((".pb", runfile.SUFFIX)):
        from .store import Store
        run = Store().find(source)
        if run is not None:
            return runfile.load(run, with_xspaces=keep_raw)
    raise SourceError(f"{source}: no such file, directory or run id")
