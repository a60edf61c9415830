"""Keep a profile its destination refused: the run store, else a run file beside the
working directory (``tftrace-<id>.tftrace``), else memory; with one line saying where."""

from __future__ import annotations

import os
from collections import namedtuple

from .errors import TftraceError

# Where a profile ended up: its run id (if stored), its file (if saved outside the store),
# and the one line to show the user ("" when it went where it was meant to).
Kept = namedtuple("Kept", "run_id path message")


def store_and_say(profile, home: str | None = None) -> Kept:
    """``into_store``, the line (if any) printed on stderr and added to the profile's warnings."""
    kept = into_store(profile, home)
    if kept.message:
        import sys

        profile.warnings.append(kept.message)
        print(f"tftrace: {kept.message}", file=sys.stderr)
    return kept


def into_store(profile, home: str | None = None, problem: str = "") -> Kept:
    """Store PROFILE; if the store cannot take it, save it beside the working directory.

    PROBLEM: why it is not where it was meant to be (an output path that failed), "" if
    the store was its destination.
    """
    from .store import Store

    try:
        run_id = Store(home).add(profile)
    except (TftraceError, OSError) as exc:
        return beside_cwd(profile, _join(problem, str(exc)))
    return Kept(run_id, None, _join(problem, f"the run was stored as {run_id} instead") if problem else "")


def beside_cwd(profile, problem: str) -> Kept:
    """Save PROFILE as a new run file in the working directory, else keep it in memory only."""
    from .runfile import SUFFIX, save_new
    from .store import new_run_id

    error = None
    for _ in range(5):
        try:
            path = save_new(profile, os.path.join(os.getcwd(), f"tftrace-{new_run_id()}{SUFFIX}"))
            return Kept(None, path, _join(problem, f"the run was saved to {path}"))
        except FileExistsError:
            continue
        except OSError as exc:
            error = exc
            break
    from .outputs import reason

    why = reason(error) if error else "no free file name"
    return Kept(None, None, _join(problem, f"it could not be saved in the working directory either ({why}): "
                                           "the profile is kept in memory only"))


def _join(*parts: str) -> str:
    return "; ".join(p for p in parts if p)
