"""Run files: one ``.tftrace`` zip per run, holding the Profile JSON and the raw XSpaces.

Layout (format ``tftrace.run/1``)::

    tftrace.json              {"format": "tftrace.run/1", "profile": {...}}
    xspace/<n>.xplane.pb      raw XSpace of host n (its name is in profile.hosts[n])

Keeping the raw XSpace means a run can be re-analysed by a newer tftrace and
exported to TensorBoard unchanged.
"""

from __future__ import annotations

import json
import os

from .errors import SourceError
from .model import Profile

FORMAT = "tftrace.run/1"
SUFFIX = ".tftrace"


def save(profile: Profile, path) -> str:
    import zipfile

    path = os.fspath(path)
    tmp = f"{path}.tmp-{os.getpid()}"
    hosts = list(profile.xspaces)
    body = {"format": FORMAT, "profile": profile.to_dict(), "xspace_hosts": hosts}
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("tftrace.json", json.dumps(body))
        for n, host in enumerate(hosts):
            zf.writestr(f"xspace/{n}.xplane.pb", profile.xspaces[host])
    os.replace(tmp, path)
    return path


def is_run_file(path) -> bool:
    with open(path, "rb") as f:
        if f.read(4) != b"PK\x03\x04":  # not a zip: no need to look further
            return False
    import zipfile

    with zipfile.ZipFile(path) as zf:
        return "tftrace.json" in zf.namelist()


def load(path, with_xspaces: bool = True) -> Profile:
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            body = json.loads(zf.read("tftrace.json"))
            if body.get("format") != FORMAT:
                raise SourceError(f"{path}: unsupported run file format {body.get('format')!r} (expected {FORMAT})")
            xspaces = {}
            if with_xspaces:
                for n, host in enumerate(body.get("xspace_hosts", [])):
                    xspaces[host] = zf.read(f"xspace/{n}.xplane.pb")
    except (zipfile.BadZipFile, KeyError, ValueError, EOFError) as exc:
        raise SourceError(f"{path}: corrupt tftrace run file ({exc})") from None
    return Profile.from_dict(body["profile"], xspaces)
