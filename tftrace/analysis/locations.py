"""Locations in the user's terms: a notebook cell as IPython's tracebacks name it
(``Cell In[7], line 3``) or a file and line.

A live trace records which file each notebook cell was compiled to and IPython's name for
it (``capture.cells``); every location the analysis emits ({file, line, cell}) is resolved
against it here. Runs stored before carry ``In [7]``, read the same way.
"""

from __future__ import annotations


def cell_of(file: str, cells: dict) -> str | None:
    return cells.get(file) if file else None


def locate(where: dict | None, cells: dict) -> dict:
    """{file, line, cell} from any {file, line, ...} ({} when nothing is known)."""
    if not where or not where.get("file"):
        return {}
    return {"file": where["file"], "line": where.get("line", 0), "cell": cell_of(where["file"], cells)}


def label(where: dict) -> str:
    """``Cell In[7], line 3`` for a cell, ``file.py:12`` otherwise ("" when unknown)."""
    if not where:
        return ""
    if where.get("cell"):
        return f"{where['cell']}, line {where.get('line', 0)}"
    file = where.get("file", "")
    return f"{file.rsplit('/', 1)[-1]}:{where.get('line', 0)}" if file else ""
