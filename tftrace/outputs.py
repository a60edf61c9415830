"""Writing files: atomically (a temp file in the target's directory, then ``os.replace``),
never leaving the temp file behind, and every failure of a user-named output as one
``OutputError`` line."""

from __future__ import annotations

import errno
import os

from .errors import OutputError

_REASONS = {errno.ENOENT: "no such directory", errno.EACCES: "permission denied", errno.EPERM: "permission denied",
            errno.EROFS: "read-only file system", errno.EISDIR: "it is a directory",
            errno.ENOTDIR: "a part of the path is not a directory", errno.ENOSPC: "no space left on the device"}


def reason(exc: OSError) -> str:
    """A short reason for an OSError, without the path (the message names it once)."""
    return _REASONS.get(exc.errno) or exc.strerror or type(exc).__name__


def replace_atomically(path, write, exclusive: bool = False) -> str:
    """Call ``write(binary file)`` on a temp file beside PATH, then move it onto PATH.

    ``exclusive``: PATH must not exist yet (it is claimed with O_EXCL first, so two
    writers never share it; FileExistsError if taken). Raises OSError; on any failure
    neither the temp file nor a claimed PATH is left behind.
    """
    import tempfile  # ~8 ms of imports: only when writing

    path = os.fspath(path)
    claimed = False
    if exclusive:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
        claimed = True
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path) or ".", prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        _remove(tmp)
        if claimed:
            _remove(path)
        raise
    return path


def write_output(path, write) -> str:
    """``replace_atomically`` for a path the user named: an OutputError line on failure."""
    path = os.fspath(path)
    if os.path.isdir(path):
        raise OutputError(f"{path}: cannot write ({reason(OSError(errno.EISDIR, ''))})")
    try:
        return replace_atomically(path, write)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({reason(exc)})") from None


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
