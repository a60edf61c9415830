"""The example notebooks run headless, top to bottom, and show what they promise."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tftrace.display import unpack  # outputs store the payload packed (gzip)

pytestmark = pytest.mark.tf
NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
MIME = "application/vnd.tftrace.payload+json"


def run(name: str, tmp_path, monkeypatch) -> list[dict]:
    """Execute a notebook; the tftrace payloads of its outputs (each output bounded in size)."""
    monkeypatch.setenv("TFTRACE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "2")
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            assert len(json.dumps(output)) < 2_500_000, "a notebook output outgrew its budget"
            if MIME in output.get("data", {}):  # a profile: packed payload + compressed fallback (~0.3 MB)
                assert len(json.dumps(output)) < 350_000, "a %%tftrace output outgrew its budget"
            assert output.get("output_type") != "stream" or len(output.get("text", "")) < 20_000
    return [unpack(o["data"][MIME]) for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
            if o.get("output_type") == "display_data" and MIME in o.get("data", {})]


def test_quickstart(tmp_path, monkeypatch):
    [payload] = run("quickstart.ipynb", tmp_path, monkeypatch)
    assert payload["schema"] == "tftrace.payload/1"
    assert any(f["name"] == "multi_step_on_iterator" for f in payload["functions"])
    assert payload["ops"]["count"] > 50 and payload["timeline"]["count"] > 1000


def test_gradient_tape_loop(tmp_path, monkeypatch):
    [payload] = run("gradient_tape_tf_data.ipynb", tmp_path, monkeypatch)
    [tape] = [t for t in payload["tapes"] if t.get("function") == "train_step"]
    assert tape["backward_us"] > 0 and tape["forward_us"] > 0
    names = [payload["strings"][i] for i in payload["ops"]["columns"]["name"]]
    assert any(n.startswith("Iterator::") for n in names)


def test_retracing_explained_then_fixed(tmp_path, monkeypatch):
    before, after = run("retracing.ipynb", tmp_path, monkeypatch)
    [normalize] = [f for f in before["functions"] if f["name"] == "normalize"]
    assert (normalize["calls"], normalize["traces"], len(normalize["retraces"])) == (6, 4, 3)
    assert "shape (16,) -> (32,)" in normalize["retraces"][2]["reason"]
    assert re.fullmatch(r"Cell In\[\d+\]", normalize["defined_at"]["cell"])  # defined in a cell, named as IPython does
    [fixed] = [f for f in after["functions"] if f["name"] == "normalize_fixed"]
    assert (fixed["calls"], fixed["traces"], fixed["retraces"]) == (6, 1, [])


def test_compare_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("TFTRACE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "2")
    nb = nbformat.read(NOTEBOOKS / "compare_runs.ipynb", as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    diffs = [o["data"] for c in nb.cells if c.cell_type == "code" and c.source.startswith("%tftrace diff")
             for o in c.outputs if o.get("output_type") == "display_data"]
    assert len(diffs) == 2 and all('srcdoc="' in d["text/html"] for d in diffs)
    wide, again = (d["text/plain"] for d in diffs)
    assert re.search(r"step time: .* SLOWER", wide) and "dense_1_2" in wide  # A's names, B renumbered
    assert "no change stands out from run-to-run noise" in again
