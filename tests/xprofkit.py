"""Run XProf's converter on a private copy of an XSpace and read its DataTables."""

from __future__ import annotations

import json
import shutil
from pathlib import Path


def xprof_tool(xplane: Path, tool: str, tmp_path: Path):
    """Run XProf's converter on a copy of ``xplane`` (it writes cache files beside it)."""
    from xprof.convert import raw_to_tool_data

    copy = tmp_path / f"copy-{tool}.xplane.pb"
    shutil.copy(xplane, copy)
    data, _ = raw_to_tool_data.xspace_to_tool_data([str(copy)], tool, {})
    return json.loads(data)


def datatable_rows(table: dict) -> list[dict]:
    """A gviz DataTable as a list of {column label: value}."""
    labels = [c["label"] for c in table["cols"]]
    return [{label: cell.get("v") if cell else None for label, cell in zip(labels, row["c"])} for row in table["rows"]]
