"""The server extension's endpoints behind the JupyterLab commands (issue 12): a run file
under the server's root as a payload (``GET /tftrace/file``), a run's HTML report
(``GET /tftrace/runs/<id>/report``) and deleting a run (``DELETE /tftrace/runs/<id>``).

A real Jupyter server on loopback with its own TFTRACE_HOME; the runs are hand-built
XSpaces analysed without TensorFlow (tests/faults/bigrun.py). The references: the payload
the server already serves for the same run (``/tftrace/runs/<id>``), the report the
``tftrace report`` command writes for the same run file, and the store itself.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS / "browser"))
sys.path.insert(0, str(TESTS / "faults"))
from bigrun import big_profile  # noqa: E402
from browserkit import TOKEN, Lab  # noqa: E402

from tftrace.store import Store  # noqa: E402


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """(lab, store, run ids, contents root): two stored runs; the root holds a copy of the first
    run's file, a text file named like a run, a hidden run file and a symlink leaving the root."""
    home = tmp_path_factory.mktemp("home")
    store = Store(str(home))
    ids = [store.add(big_profile(events)) for events in (2_000, 3_000)]
    root = tmp_path_factory.mktemp("lab")
    outside = tmp_path_factory.mktemp("outside")
    shutil.copy(store.find(ids[0]), root / "first run.tftrace")
    (root / "notes.tftrace").write_text("not a zip")
    (root / ".hidden").mkdir()
    shutil.copy(store.find(ids[0]), root / ".hidden" / "h.tftrace")
    shutil.copy(store.find(ids[1]), outside / "secret.tftrace")
    (root / "link.tftrace").symlink_to(outside / "secret.tftrace")
    lab = Lab(root, home)
    yield lab, store, ids, root
    lab.stop()


def call(lab: Lab, path: str, method: str = "GET", token: bool = True):
    """(status, headers, body bytes) of one request under /tftrace/, errors included."""
    sep = "&" if "?" in path else "?"
    url = f"http://127.0.0.1:{lab.port}/tftrace/{path}" + (f"{sep}token={TOKEN}" if token else "")
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=120) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as failed:
        return failed.code, failed.headers, failed.read()


def error(lab: Lab, path: str, method: str = "GET") -> tuple[int, str]:
    status, _, body = call(lab, path, method)
    assert status >= 400, (status, body[:200])
    return status, json.loads(body)["error"]


def test_new_endpoints_need_a_token(server):
    # GIVEN the server, WHEN the new endpoints are asked without a token, THEN each is a 403
    lab, store, ids, _ = server
    for path, method in ((f"runs/{ids[0]}/report", "GET"), (f"runs/{ids[1]}", "DELETE"),
                         ("file?path=first%20run.tftrace", "GET")):
        assert call(lab, path, method, token=False)[0] == 403, path
    # AND nothing was deleted
    assert {r["id"] for r in store.list()} >= set(ids)


def test_a_run_file_under_the_root_gives_the_runs_payload(server):
    # GIVEN a copy of a stored run's file under the server's root
    lab, _, ids, _ = server
    # WHEN it is asked for by its path, THEN its payload is the stored run's payload
    status, headers, body = call(lab, "file?path=" + quote("first run.tftrace"))
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    assert json.loads(body) == lab.api(f"runs/{ids[0]}", prefix="tftrace")


def test_paths_leaving_the_root_are_refused(server):
    lab, _, _, root = server
    # a path that climbs out and back in stays under the root: served
    assert call(lab, "file?path=" + quote(f"../{root.name}/first run.tftrace"))[0] == 200
    # paths climbing out of the root, a symlink to a run outside: refused
    for path in ("../outside.tftrace", "../../etc/passwd", "link.tftrace", "sub/../../x.tftrace"):
        status, message = error(lab, "file?path=" + quote(path))
        assert status == 403 and "outside the server's root" in message, (path, status, message)
    # an absolute path is read from the root, like the contents API does: no such file there
    status, message = error(lab, "file?path=" + quote("/etc/passwd"))
    assert status == 404 and message == "no file '/etc/passwd'"
    # a hidden file, while the server hides those, is refused too
    status, message = error(lab, "file?path=" + quote(".hidden/h.tftrace"))
    assert status == 403 and "hidden" in message


def test_missing_and_unreadable_files_are_one_line_errors(server):
    lab, _, _, _ = server
    status, message = error(lab, "file?path=" + quote("no such.tftrace"))
    assert (status, message) == (404, "no file 'no such.tftrace'")
    status, message = error(lab, "file?path=" + quote("notes.tftrace"))
    assert status == 400 and "notes.tftrace" in message and "\n" not in message, message
    status, message = error(lab, "file?path=")
    assert status == 404, message  # the root itself is no file


def test_report_is_the_self_contained_html_tftrace_report_writes(server, tmp_path):
    # GIVEN a stored run, and the report the command line writes for its run file
    lab, store, ids, _ = server
    written = tmp_path / "cli.html"
    subprocess.run([sys.executable, "-m", "tftrace", "report", store.find(ids[1]), "-o", str(written)],
                   check=True, capture_output=True, env=dict(os.environ, TFTRACE_HOME=store.home))
    # WHEN the server is asked for the run's report
    status, headers, body = call(lab, f"runs/{ids[1]}/report")
    # THEN it is that same page, offered as a download named after the run
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Content-Disposition"] == f'attachment; filename="tftrace-{ids[1]}.html"'
    assert body == written.read_bytes()
    assert b"default-src 'none'" in body and b"<script src=" not in body


def test_report_of_an_unknown_run_is_404(server):
    lab, _, _, _ = server
    assert error(lab, "runs/19990101-000000-dead/report") == (404, "no run '19990101-000000-dead'")


def test_delete_removes_the_run_and_its_file_by_exact_id_only(server):
    # GIVEN a third run in the store
    lab, store, ids, _ = server
    doomed = store.add(big_profile(1_000))
    path = Path(store.find(doomed))
    # WHEN it is deleted by a prefix or by its name, THEN nothing happens: only exact ids delete
    assert error(lab, f"runs/{doomed[:-2]}", "DELETE")[0] == 404
    assert error(lab, "runs/big-1000", "DELETE")[0] == 404
    assert path.exists()
    # WHEN it is deleted by its id
    status, _, body = call(lab, f"runs/{doomed}", "DELETE")
    # THEN the answer is empty, the store forgot it, its file is gone, and the other runs stay
    assert (status, body) == (204, b"")
    assert doomed not in {r["id"] for r in lab.api("runs", prefix="tftrace")["runs"]}
    assert store.find(doomed) is None and not path.exists()
    assert not [p for p in path.parent.iterdir() if p.name.startswith(doomed)]
    assert {r["id"] for r in store.list()} >= set(ids)
    # AND deleting it again, or asking for it, is a 404
    assert error(lab, f"runs/{doomed}", "DELETE") == (404, f"no run '{doomed}'")
    assert error(lab, f"runs/{doomed}")[0] == 404
