"""Notebook cells by file name: IPython compiles each cell to a file of its own
(``/tmp/ipykernel_<pid>/<hash>.py``) and remembers its execution count, which is how
a traceback says ``Cell In[7]``. tftrace names locations the same way: ``In [7]``."""

from __future__ import annotations

import sys


def cell_names() -> dict:
    """{file name: "In [N]"} of every cell this IPython session compiled ({} outside IPython)."""
    ipython_module = sys.modules.get("IPython")
    if ipython_module is None:
        return {}
    shell = ipython_module.get_ipython()
    compiler = getattr(shell, "compile", None)
    names = getattr(compiler, "_filename_map", None)
    if not isinstance(names, dict):
        return {}
    return {file: f"In [{number}]" for file, number in names.items() if isinstance(number, int)}
