"""tftrace: a Jupyter-native profiler for TensorFlow.

Public surface: ``trace`` (context manager), ``load`` (any SOURCE -> Profile), ``serve``
(a worker's profiler server, for ``tftrace capture``),
``Profile``, the IPython extension hooks (``%load_ext tftrace``) and the Jupyter server
extension point (``jupyter server extension enable tftrace``).
"""

from __future__ import annotations

from .errors import TftraceError
from .model import Profile
from .sources import load

__version__ = "0.1.0"
__all__ = ["Profile", "TftraceError", "load", "serve", "trace", "__version__"]


def trace(name: str = "", python: bool = True, store: bool = True, home: str | None = None,
          workers=None, workers_ms: int = 5000):
    """Profile the TensorFlow work inside a ``with`` block; ``.profile`` afterwards. ``workers``
    ("host:port,..." running ``tftrace.serve``) are traced for ``workers_ms`` alongside."""
    from .capture import trace as _trace  # capture machinery loads only when a trace starts

    return _trace(name=name, python=python, store=store, home=home, workers=workers, workers_ms=workers_ms)


def serve(port: int = 6009, quiet: bool = False) -> str:
    """Start TensorFlow's profiler server on this worker; returns the ``host:port`` that
    ``tftrace capture`` (or ``%%tftrace --workers``) traces."""
    from .capture.serve import serve as _serve

    return _serve(port, quiet=quiet)


def load_ipython_extension(ipython) -> None:
    from .magic import register

    register(ipython)


def unload_ipython_extension(ipython) -> None:  # pragma: no cover - nothing to undo
    pass


def _jupyter_server_extension_points() -> list[dict]:
    """The server extension (``jupyter server extension enable|disable tftrace``): jupyter_server
    imports ``tftrace.server`` only when it loads the extension, so ``import tftrace`` stays
    free of Jupyter."""
    return [{"module": "tftrace.server"}]
