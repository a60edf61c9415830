"""Profiles in other tools' formats: one module per format, each with ``export(profile, path)``.

``write(profile, format, path)`` picks the module (``FORMATS``) and returns what it wrote:
chrome (Chrome Trace Event JSON, ``chrome.py``), speedscope (the flame tree, ``speedscope.py``),
csv (one file per table into a directory, ``csv_tables.py``), tensorboard (a log directory,
``tensorboard.py``).
"""

from __future__ import annotations

import importlib

FORMATS = {"chrome": "chrome", "chrome-trace": "chrome", "speedscope": "speedscope", "csv": "csv_tables",
           "tensorboard": "tensorboard"}


def write(profile, fmt: str, path) -> str:
    """Export ``profile`` as ``fmt`` to ``path``; the file or directory written."""
    from ..errors import TftraceError

    module = FORMATS.get(fmt)
    if module is None:
        raise TftraceError(f"no export format {fmt!r} (formats: {', '.join(sorted(FORMATS))})")
    written = importlib.import_module(f"{__name__}.{module}").export(profile, path)
    return written if isinstance(written, str) else str(path)
