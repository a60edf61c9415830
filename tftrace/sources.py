"""Resolve a SOURCE to a Profile: a run file, a run id or run name in the store (the
newest run of that name), an ``.xplane.pb``, or a TensorBoard log directory
(``plugins/profile/<session>/<host>.xplane.pb``)."""

from __future__ import annotations

import glob
import os
from collections import namedtuple

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


# A loaded SOURCE: its Profile, its run id if it came from the store (else None), and a
# one-line note for the user ("" if none, e.g. when several runs share a name).
# collections' namedtuple: typing's NamedTuple would import typing (~3 ms) into every command.
Loaded = namedtuple("Loaded", "profile run_id note")


def load(source, name: str = "", keep_raw: bool = True, processes: int = 1):
    """The Profile behind SOURCE (see module doc; ``resolve`` also gives its note).

    ``keep_raw=False`` drops the raw XSpace bytes once analysed (``tftrace stats``
    needs only the tables; exports and reports need the raw XSpace). ``processes`` > 1
    analyses in forked processes: for the command line, never inside a kernel.
    """
    return resolve(source, name=name, keep_raw=keep_raw, processes=processes).profile


def resolve(source, name: str = "", keep_raw: bool = True, processes: int = 1, step_ops: bool = True) -> Loaded:
    """Like ``load``, with the run id and the note to show once (see ``Loaded``).

    A path wins over a stored run; SOURCE is looked up in the store (run id, run name,
    unique id prefix) only if no such path exists and it does not look like a path
    (no path separator, no ``.pb`` or ``.tftrace`` ending). ``step_ops=False``: an XSpace is
    analysed without per-step op samples (see ``analysis.analyze``).
    """
    from . import runfile
    from .analysis import analyze_bytes

    source = os.fspath(source)
    if os.path.isdir(source):
        return Loaded(analyze_bytes(read_xplanes(xplane_files(source)), name=name, source=source,
                                    keep_raw=keep_raw, processes=processes, step_ops=step_ops), None, "")
    if os.path.isfile(source):
        if runfile.is_run_file(source):  # a zip or *.tftrace: read as a run file, whatever is wrong with it
            return Loaded(runfile.load(source, with_xspaces=keep_raw), None, "")
        return Loaded(analyze_bytes(read_xplanes([source]), name=name or host_of(source), source=source,
                                    keep_raw=keep_raw, processes=processes, step_ops=step_ops), None, "")
    if _may_be_run(source):
        from .store import Store
        run = Store().resolve(source)
        if run is not None:
            return Loaded(runfile.load(run.path, with_xspaces=keep_raw), run.run_id, run.note)
    raise SourceError(f"{source}: no such file, directory, run id or run name")


def _may_be_run(source: str) -> bool:
    """Whether SOURCE may name a stored run rather than a path."""
    from .runfile import SUFFIX

    seps = {os.sep, os.altsep} - {None}
    return bool(source) and not any(sep in source for sep in seps) and not source.endswith((".pb", SUFFIX))
