"""Compare two runs and tell a real change from noise: ``diff(a, b) -> tftrace.diff/1``.

``samples`` reads each run's per-step (per-call) samples, ``match`` pairs their names
across renumbering, ``bootstrap`` gives B/A intervals, ``verdict`` decides, ``build``
puts it together and ``table`` prints it.
"""

from .build import SCHEMA, diff

__all__ = ["SCHEMA", "diff"]
