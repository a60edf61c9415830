"""Notebook cells by file name: IPython compiles each cell to a file of its own
(``<ipython-input-7-…>`` in a terminal, ``/tmp/ipykernel_<pid>/<hash>.py`` in a kernel) and
remembers its execution count, which is how a traceback says ``Cell In[7], line 3``.
tftrace names locations the same way, with IPython's own words for the cell (its
compiler's ``format_code_name``): ``Cell In[7]``. A ``%%tftrace`` body is compiled the same
way under its cell's count (``magic._Body``), so its lines are named like any cell's."""

from __future__ import annotations

import sys


def cell_names() -> dict:
    """{file name: "Cell In[N]"} of every cell this IPython session compiled ({} outside IPython)."""
    ipython_module = sys.modules.get("IPython")
    if ipython_module is None:
        return {}
    shell = ipython_module.get_ipython()
    compiler = getattr(shell, "compile", None)
    names = getattr(compiler, "_filename_map", None)
    if not isinstance(names, dict):
        return {}
    return {file: _cell_name(compiler, file, number) for file, number in names.items() if isinstance(number, int)}


def _cell_name(compiler, file: str, number: int) -> str:
    """IPython's name for the cell compiled to ``file`` ("Cell In[7]"), as its tracebacks say it."""
    try:
        named = compiler.format_code_name(file)
    except Exception:  # noqa: BLE001 - a compiler without it (older IPython, a subclass): IPython's words
        named = None
    if isinstance(named, tuple) and len(named) == 2 and all(isinstance(part, str) for part in named):
        return f"{named[0]} {named[1]}"
    return f"Cell In[{number}]"
