"""Show a Profile (or a comparison of two runs) in a notebook: one display bundle that
survives a reload.

- ``application/vnd.tftrace.payload+json``: rendered by the JupyterLab extension,
  stored in the .ipynb, so the views come back without a kernel; packed (``pack``:
  ``{schema: "tftrace.packed/1", encoding: "gzip+base64", data}``, the payload's JSON
  gzipped), which also keeps nbformat from writing its numbers one per line;
- ``text/html``: the views in a sandboxed ``<iframe srcdoc>``, for nbconvert and frontends
  without the extension: a static summary first, then the same payload and the views bundle,
  both gzip-compressed (``fallback.py``);
- ``text/plain``: the top-ops table.
The notebook payload is bounded (top ops, longest timeline events, no top-ops picture: the
summary lists them) so outputs stay small (~0.3 MB for notebooks/quickstart.ipynb, NOTES.md);
the full profile is in the run file, the sidebar and ``tftrace report``. A comparison
(``tftrace.diff/1``) is shown as its report in an iframe (compressed the same way, its table
as the static summary), and as its table in text.
"""

from __future__ import annotations

import base64
import gzip
import html
import json

from . import payload as payload_mod
from .stats import to_table

# the longest 8,000 timeline events: with the rest, ~0.3 MB for notebooks/quickstart.ipynb (40,000: 0.67 MB)
NOTEBOOK_LIMITS = {"max_events": 8_000, "max_ops": 1_500, "max_kernels": 1_000, "charts": False}


class ProfileDisplay:
    def __init__(self, profile, run_id: str | None = None, top: int = 15):
        self.profile = profile
        self.run_id = run_id
        self.top = top

    def text(self) -> str:
        head = f"run {self.run_id}\n" if self.run_id else ""
        return head + to_table(self.profile, top=self.top)

    def payload(self) -> dict:
        from .analysis import release_free_memory

        data = payload_mod.build(self.profile, **NOTEBOOK_LIMITS)
        release_free_memory()  # the timeline re-reads the XSpace: give those pages back to the system
        return data

    def html(self, data: dict) -> str:
        from .fallback import page

        return _iframe(page(self.profile, data, self.text()), "tftrace profile")

    def _repr_mimebundle_(self, include=None, exclude=None):
        data = self.payload()
        return {payload_mod.MIME_TYPE: pack(data), "text/html": self.html(data), "text/plain": self.text()}

    def __repr__(self) -> str:
        return self.text()


PACKED_SCHEMA = "tftrace.packed/1"


def pack(data: dict) -> dict:
    """A payload as a notebook output stores it (the views unpack it: labextension/src/payload.ts)."""
    from .fallback import packed

    return {"schema": PACKED_SCHEMA, "encoding": "gzip+base64",
            "data": packed(json.dumps(data, separators=(",", ":"), ensure_ascii=False))}


def unpack(data: dict) -> dict:
    """The payload of a notebook output's ``application/vnd.tftrace.payload+json`` (packed or not)."""
    if not isinstance(data, dict) or data.get("schema") != PACKED_SCHEMA:
        return data
    return json.loads(gzip.decompress(base64.b64decode(data["data"])))


def _iframe(document: str, title: str, height: int = 760) -> str:
    """A self-contained page in a sandboxed iframe (scripts run, no same origin)."""
    return (f'<iframe class="tftrace-report" title="{html.escape(title, quote=True)}" sandbox="allow-scripts" '
            f'style="width:100%;height:{height}px;border:1px solid var(--jp-border-color2, rgba(128, 128, 128, 0.35))" '
            f'srcdoc="{html.escape(document, quote=True)}"></iframe>')


class DiffDisplay:
    """A comparison of two runs (``tftrace.diff/1``) in a notebook."""

    def __init__(self, diff: dict):
        self.diff = diff

    def text(self) -> str:
        from .diff.table import to_table

        return to_table(self.diff)

    def _repr_mimebundle_(self, include=None, exclude=None):
        from .fallback import diff_page

        return {"text/html": _iframe(diff_page(self.diff, self.text()), "tftrace comparison", 640),
                "text/plain": self.text()}

    def __repr__(self) -> str:
        return self.text()


def show(profile, run_id: str | None = None):
    return _display(ProfileDisplay(profile, run_id))


def show_diff(diff: dict):
    return _display(DiffDisplay(diff))


def _display(shown):
    try:
        from IPython import get_ipython
        from IPython.display import display

        if get_ipython() is not None:
            display(shown)
            return shown
    except ImportError:
        pass
    print(shown.text())
    return shown
