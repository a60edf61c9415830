"""Show a Profile (or a comparison of two runs) in a notebook: one display bundle that
survives a reload.

- ``application/vnd.tftrace.payload+json``: rendered by the JupyterLab extension,
  stored in the .ipynb, so the views come back without a kernel;
- ``text/html``: the whole report in a sandboxed ``<iframe srcdoc>``, for nbconvert
  and frontends without the extension;
- ``text/plain``: the top-ops table.
The notebook payload is bounded (top ops, longest timeline events) so outputs stay
small; the full profile is in the run file and in ``tftrace report``. A comparison
(``tftrace.diff/1``) is shown as its report in an iframe, and as its table in text.
"""

from __future__ import annotations

import html

from . import payload as payload_mod
from .stats import to_table

NOTEBOOK_LIMITS = {"max_events": 40_000, "max_ops": 1_500, "max_kernels": 1_000}


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
        from .report import report_html

        return _iframe(report_html(self.profile, data), "tftrace profile")

    def _repr_mimebundle_(self, include=None, exclude=None):
        data = self.payload()
        return {payload_mod.MIME_TYPE: data, "text/html": self.html(data), "text/plain": self.text()}

    def __repr__(self) -> str:
        return self.text()


def _iframe(document: str, title: str, height: int = 760) -> str:
    """A self-contained page in a sandboxed iframe (scripts run, no same origin)."""
    return (f'<iframe class="tftrace-report" title="{html.escape(title, quote=True)}" sandbox="allow-scripts" '
            f'style="width:100%;height:{height}px;border:1px solid #d0d5dc" '
            f'srcdoc="{html.escape(document, quote=True)}"></iframe>')


class DiffDisplay:
    """A comparison of two runs (``tftrace.diff/1``) in a notebook."""

    def __init__(self, diff: dict):
        self.diff = diff

    def text(self) -> str:
        from .diff.table import to_table

        return to_table(self.diff)

    def _repr_mimebundle_(self, include=None, exclude=None):
        from .report import diff_report_html

        return {"text/html": _iframe(diff_report_html(self.diff), "tftrace comparison", 640), "text/plain": self.text()}

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
