"""Export to a TensorBoard log directory that TensorBoard's profile plugin and XProf open:
``<logdir>/plugins/profile/<session>/<host>.xplane.pb``, the raw XSpace unchanged."""

from __future__ import annotations

import datetime as _dt
import os
import re

from ..errors import OutputError, SourceError

_UNSAFE = re.compile(r"[^A-Za-z0-9_.\-]")


def export(profile, logdir) -> str:
    """Write every host's XSpace; returns the session directory. OutputError if LOGDIR
    cannot be written."""
    from ..outputs import reason, write_output

    if not profile.xspaces:
        raise SourceError("this profile has no raw XSpace to export (it was loaded without one)")
    session = _dt.datetime.now().strftime("%Y_%m_%d_%H_%M_%S")
    directory = os.path.join(os.fspath(logdir), "plugins", "profile", session)
    try:
        os.makedirs(directory, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{logdir}: cannot write ({reason(exc)})") from None
    for host, data in profile.xspaces.items():
        safe = _UNSAFE.sub("_", host) or "localhost"
        write_output(os.path.join(directory, f"{safe}.xplane.pb"), lambda f, data=data: f.write(data))
    return directory
