"""Runs cells in a real IPython shell of its own (``InteractiveShell.instance()``, this process
only) and writes what each did as JSON: ``python magic_shell_driver.py SPEC.json OUT.json``.

SPEC: {"setup": [cell, ...], "runs": [{"key", "cell", "names": [...], "reset": [cell, ...]}]}.
Before each run its ``names`` are removed from the user namespace and its ``reset`` cells
run; then the cell runs with ``store_history=True`` (as a kernel runs cells) and the record
holds its stdout and stderr, its result and exception, the names' values afterwards,
``_``, ``Out[N]``, ``_N`` and the newest stored tftrace run.
"""

from __future__ import annotations

import io
import json
import sys
from contextlib import redirect_stderr, redirect_stdout


def main(spec_path: str, out_path: str) -> None:
    from IPython.core.interactiveshell import InteractiveShell

    spec = json.load(open(spec_path))
    shell = InteractiveShell.instance()
    shell.run_line_magic("colors", "nocolor")
    shell.run_line_magic("load_ext", "tftrace")
    for cell in spec["setup"]:
        result = shell.run_cell(cell, store_history=True)
        assert result.success, (cell, result.error_before_exec or result.error_in_exec)
    records = []
    for run in spec["runs"]:
        for name in run.get("names", []):
            shell.user_ns.pop(name, None)
        for cell in run.get("reset", []):
            shell.run_cell(cell, store_history=False, silent=True)
        runs_before = _runs()
        records.append({"key": run["key"], **_run(shell, run["cell"], run.get("names", []), runs_before)})
    json.dump(records, open(out_path, "w"))


def _run(shell, cell: str, names: list, runs_before: list) -> dict:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        result = shell.run_cell(cell, store_history=True)
    count = result.execution_count
    error = result.error_before_exec or result.error_in_exec
    runs = _runs()
    newest = runs[0] if runs and (not runs_before or runs[0]["id"] != runs_before[0]["id"]) else None
    return {
        "count": count,
        "stdout": out.getvalue(),
        "stderr": err.getvalue(),
        "success": result.success,
        "result": _show(result.result),
        "error": type(error).__name__ if error is not None else None,
        "error_text": str(error) if error is not None else None,
        "names": {name: _show(shell.user_ns.get(name, "<unset>")) for name in names},
        "underscore": _show(shell.user_ns.get("_")),
        "out": _show(shell.user_ns["Out"].get(count, "<none>")),
        "numbered": _show(shell.user_ns.get(f"_{count}", "<none>")),
        # what the magic may lend the shell for one cell is back afterwards
        "shell_patched": sorted(name for name in ("showtraceback",) if name in vars(shell))
        + sorted(name for name in ("quiet",) if name in vars(shell.displayhook)),
        "post_execute_callbacks": len(shell.events.callbacks["post_execute"]),
        "run": _describe(newest) if newest else None,
    }


def _runs() -> list:
    from tftrace.store import Store

    return Store().list()


def _describe(run: dict) -> dict:
    from tftrace.sources import load

    profile = load(run["id"])
    ops = [{"type": op.type, "source": op.source} for op in profile.ops]
    cells = sorted({node_cell for node_cell in _flame_cells(profile.flame)})
    return {"id": run["id"], "name": run["name"], "error": profile.error, "ops": ops,
            "functions": {f.name: f.defined_at for f in profile.functions}, "flame_cells": cells,
            "python_samples": profile.python.get("samples", 0)}


def _flame_cells(node: dict):
    if not node:
        return
    if node.get("cell"):
        yield f"{node['cell']}|{node.get('name')}"
    for child in node.get("children", []):
        yield from _flame_cells(child)


def _show(value) -> str:
    return repr(value)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
