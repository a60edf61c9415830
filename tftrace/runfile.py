"""Run files: one ``.tftrace`` zip per run, holding the Profile JSON and the raw XSpaces.

Layout (format ``tftrace.run/1``)::

    tftrace.json              {"format": "tftrace.run/1", "profile": {...}}
    xspace/<n>.xplane.pb      raw XSpace of host n (its name is in profile.hosts[n])

Keeping the raw XSpace means a run can be re-analysed by a newer tftrace and
exported to TensorBoard unchanged. Files are written atomically; loading checks every
member's CRC and the profile's shape, so a damaged file is one ``SourceError`` line.
"""

from __future__ import annotations

import json
import os
import zlib
from dataclasses import MISSING, fields

from .errors import SourceError
from .model import _ROW_TYPES, Profile
from .outputs import replace_atomically, write_output

FORMAT = "tftrace.run/1"
SUFFIX = ".tftrace"
_ZIP_MAGIC = b"PK\x03\x04"


def _writer(profile: Profile):
    """A function writing PROFILE as a run file into a binary file object."""
    def write(f) -> None:
        import zipfile

        hosts = list(profile.xspaces)
        body = {"format": FORMAT, "profile": profile.to_dict(), "xspace_hosts": hosts}
        with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            zf.writestr("tftrace.json", json.dumps(body))
            for n, host in enumerate(hosts):
                zf.writestr(f"xspace/{n}.xplane.pb", profile.xspaces[host])
    return write


def save(profile: Profile, path) -> str:
    """Write PROFILE to PATH (replacing it atomically); OutputError if PATH cannot be written."""
    return write_output(path, _writer(profile))


def save_new(profile: Profile, path) -> str:
    """Write PROFILE to PATH, which must not exist (FileExistsError if it does; OSError)."""
    return replace_atomically(path, _writer(profile), exclusive=True)


def is_run_file(path) -> bool:
    """Whether PATH should be read as a run file: a zip archive, or named ``*.tftrace``."""
    try:
        with open(path, "rb") as f:
            return f.read(4) == _ZIP_MAGIC or os.fspath(path).endswith(SUFFIX)
    except OSError:  # unreadable: the XSpace reader says why
        return False


class _Corrupt(Exception):
    """What is wrong inside a run file (becomes the reason of a SourceError)."""


def load(path, with_xspaces: bool = True) -> Profile:
    """The Profile in run file PATH; SourceError (one line) if it is not a sound run file.

    Every member is read, so its CRC is checked even when ``with_xspaces`` is False.
    """
    import zipfile

    if not os.path.isfile(path):
        raise SourceError(f"{path}: no such run file")
    try:
        with zipfile.ZipFile(path) as zf:
            if "tftrace.json" not in zf.namelist():
                raise SourceError(f"{path}: not a tftrace run file (a zip archive without tftrace.json)")
            body = _body(zf.read("tftrace.json"))
            xspaces = {host: _read(zf, f"xspace/{n}.xplane.pb", with_xspaces)
                       for n, host in enumerate(body["xspace_hosts"])}
            return Profile.from_dict(body["profile"], xspaces if with_xspaces else {})
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, _Corrupt) as exc:
        raise SourceError(f"{path}: corrupt tftrace run file ({_first_line(exc)})") from None


def _body(data: bytes) -> dict:
    """tftrace.json checked: the format, the XSpace host list and the profile's shape."""
    body = json.loads(data)
    if not isinstance(body, dict):
        raise _Corrupt(f"tftrace.json holds a {type(body).__name__}, not an object")
    if body.get("format") != FORMAT:
        raise _Corrupt(f"format {body.get('format')!r}, expected {FORMAT!r}")
    hosts = body.setdefault("xspace_hosts", [])
    if not isinstance(hosts, list) or not all(isinstance(h, str) for h in hosts):
        raise _Corrupt("xspace_hosts is not a list of host names")
    _check_profile(body.get("profile"))
    return body


def _read(zf, name: str, keep: bool) -> bytes:
    """A member's bytes (b"" unless KEEP), read through so its CRC is checked."""
    try:
        with zf.open(name) as member:
            if keep:
                return member.read()
            while member.read(1 << 22):
                pass
            return b""
    except KeyError:
        raise _Corrupt(f"member {name} is missing") from None


_TYPES = {"str": str, "int": (int, float), "float": (int, float), "dict": dict, "list": list, "bool": bool}


def _check_profile(data) -> None:
    """Raise _Corrupt unless DATA has the fields and types ``Profile.from_dict`` expects."""
    if not isinstance(data, dict):
        raise _Corrupt("no profile object")
    _check_fields(Profile, data, "profile")
    for key, row_type in _ROW_TYPES.items():
        for n, row in enumerate(data.get(key, ())):
            if not isinstance(row, dict):
                raise _Corrupt(f"{key}[{n}] is not an object")
            _check_fields(row_type, row, f"{key}[{n}]", required=True)


def _check_fields(cls, data: dict, where: str, required: bool = False) -> None:
    for f in fields(cls):
        if f.name not in data:
            if required and f.default is MISSING and f.default_factory is MISSING:
                raise _Corrupt(f"{where} has no {f.name!r}")
            continue
        expected = _TYPES.get(f.type)
        if expected is not None and not isinstance(data[f.name], expected):
            raise _Corrupt(f"{where}.{f.name} is {type(data[f.name]).__name__}, expected {f.type}")


def _first_line(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    if text == "File is not a zip file":
        return "not a zip archive, or cut short"
    return text.splitlines()[0]
