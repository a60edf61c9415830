"""tftrace: a Jupyter-native profiler for TensorFlow.

Public surface: ``trace`` (context manager), ``load`` (any SOURCE -> Profile),
``Profile``, and the IPython extension hooks (``%load_ext tftrace``).
"""

from __future__ import annotations

from .errors import TftraceError
from .model import Profile
from .sources import load

__version__ = "0.1.0"
__all__ = ["Profile", "TftraceError", "load", "trace", "__version__"]


def trace(name: str = "", python: bool = True, store: bool = True, home: str | None = None):
    """Profile the TensorFlow work inside a ``with`` block; ``.profile`` afterwards."""
    from .capture import trace as _trace  # capture machinery loads only when a trace starts

    return _trace(name=name, python=python, store=store, home=home)


def load_ipython_extension(ipython) -> None:
    from .magic import register

    register(ipython)


def unload_ipython_extension(ipython) -> None:  # pragma: no cover - nothing to undo
    pass
