"""Show a Profile in a notebook: one display bundle that survives a reload.

- ``application/vnd.tftrace.payload+json``: rendered by the JupyterLab extension,
  stored in the .ipynb, so the views come back without a kernel;
- ``text/html``: the whole report in a sandboxed ``<iframe srcdoc>``, for nbconvert
  and frontends without the extension;
- ``text/plain``: the top-ops table.
The notebook payload is bounded (top ops, longest timeline events) so outputs stay
small; the full profile is in the run file and in ``tftrace report``.
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
        return payload_mod.build(self.profile, **NOTEBOOK_LIMITS)

    def html(self, data: dict) -> str:
        from .report import report_html

        document = report_html(self.profile, data)
        return (f'<iframe class="tftrace-report" title="tftrace profile" sandbox="allow-scripts" '
                f'style="width:100%;height:760px;border:1px solid #d0d5dc" srcdoc="{html.escape(document, quote=True)}">'
                "</iframe>")

    def _repr_mimebundle_(self, include=None, exclude=None):
        data = self.payload()
        return {payload_mod.MIME_TYPE: data, "text/html": self.html(data), "text/plain": self.text()}

    def __repr__(self) -> str:
        return self.text()


def show(profile, run_id: str | None = None):
    shown = ProfileDisplay(profile, run_id)
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
