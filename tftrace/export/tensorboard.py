"""Export to a TensorBoard log directory that TensorBoard's profile plugin and XProf open:
``<logdir>/plugins/profile/<session>/<host>.xplane.pb``, the raw XSpace unchanged."""

from __future__ import annotations

import datetime as _dt
import os
import re

from ..errors import SourceError

_UNSAFE = re.compile(r"[^A-Za-z0-9_.\-]")


def export(profile, logdir) -> str:
    """Write every host's XSpace; returns the session directory."""
    if not profile.xspaces:
        raise SourceError("this profile has no raw XSpace to export (it was loaded without one)")
    session = _dt.datetime.now().strftime("%Y_%m_%d_%H_%M_%S")
    directory = os.path.join(os.fspath(logdir), "plugins", "profile", session)
    os.makedirs(directory, exist_ok=True)
    for host, data in profile.xspaces.items():
        safe = _UNSAFE.sub("_", host) or "localhost"
        with open(os.path.join(directory, f"{safe}.xplane.pb"), "wb") as f:
            f.write(data)
    return directory
