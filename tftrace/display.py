"""Show a Profile in a notebook or terminal: a top-ops summary as one display bundle."""

from __future__ import annotations

from .stats import to_table


class ProfileSummary:
    """What ``Profile.show()`` and ``%%tftrace`` display (text/plain today)."""

    def __init__(self, profile, run_id: str | None = None, top: int = 15):
        self.profile = profile
        self.run_id = run_id
        self.top = top

    def text(self) -> str:
        head = f"run {self.run_id}\n" if self.run_id else ""
        return head + to_table(self.profile, top=self.top)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/plain": self.text()}

    def __repr__(self) -> str:
        return self.text()


def show(profile, run_id: str | None = None):
    summary = ProfileSummary(profile, run_id)
    try:
        from IPython.display import display
        from IPython import get_ipython
        if get_ipython() is not None:
            display(summary)
            return summary
    except ImportError:
        pass
    print(summary.text())
    return summary
