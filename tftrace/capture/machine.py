"""How busy the machine was while a trace ran (Linux ``/proc``): the share of all CPUs'
time that went to other processes and to the hypervisor (steal), and to this process.

Separate runs of the same code differ most when the machine does: a run during which
another process or the hypervisor took half the CPUs is slower for reasons outside the
code. The comparison of runs reads these numbers to say so. Elsewhere (no ``/proc``), {}.
"""

from __future__ import annotations

import os

# /proc/stat "cpu" columns: user nice system idle iowait irq softirq steal
_BUSY = (0, 1, 2, 5, 6)
_STEAL = 7


def _cpu_ticks() -> list[int] | None:
    try:
        with open("/proc/stat") as f:
            fields = f.readline().split()
        with open("/proc/self/stat") as f:
            own = f.read().rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
    except (OSError, IndexError):
        return None
    if not fields or fields[0] != "cpu" or len(fields) < 9:
        return None
    ticks = [int(v) for v in fields[1:9]]
    return ticks + [int(own[11]) + int(own[12])]  # + this process' utime + stime


class MachineLoad:
    """``MachineLoad()`` when the trace starts, ``.finish()`` when it stops."""

    def __init__(self):
        self.start = _cpu_ticks()

    def finish(self) -> dict:
        """{cpus, others_pct, steal_pct, own_pct}: shares of all CPUs' time over the trace, or {}."""
        end = _cpu_ticks()
        if self.start is None or end is None:
            return {}
        delta = [e - s for s, e in zip(self.start, end)]
        total = sum(delta[:8])
        if total <= 0:
            return {}
        busy = sum(delta[i] for i in _BUSY)
        own = min(delta[8], busy)
        pct = lambda ticks: round(100 * ticks / total, 1)  # noqa: E731
        return {"cpus": os.cpu_count() or 1, "others_pct": pct(busy - own), "steal_pct": pct(delta[_STEAL]),
                "own_pct": pct(own)}
