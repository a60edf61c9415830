"""The speedscope export opens in the real speedscope app (npm ``speedscope``, pinned in
tests/browser/apps, installed by ``make test``), served offline on loopback: the app names
the profile and its Sandwich table lists our frames with our times."""

from __future__ import annotations

import functools
import http.server
import json
import os
import subprocess
import sys
import threading
from collections import defaultdict
from pathlib import Path

import pytest

from browserkit import Page, free_port
from tftrace import load
from tftrace.export import speedscope

pytestmark = pytest.mark.browser
RELEASE = Path(__file__).resolve().parent / "apps" / "node_modules" / "speedscope" / "dist" / "release"


@pytest.fixture()
def served(tmp_path):
    """A loopback HTTP server for speedscope's release folder plus the files put in ``tmp_path``."""
    assert (RELEASE / "index.html").is_file(), "speedscope missing: `make test` runs npm ci in tests/browser/apps"
    for item in RELEASE.iterdir():
        (tmp_path / item.name).symlink_to(item)
    port = free_port()
    handler = functools.partial(_QuietHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield tmp_path, port
    server.shutdown()
    server.server_close()
    thread.join()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def self_times(doc: dict) -> dict:
    """{frame name: self time in us} as speedscope counts it (a sample's weight goes to its last frame)."""
    frames = doc["shared"]["frames"]
    out = defaultdict(float)
    for stack, weight in zip(doc["profiles"][0]["samples"], doc["profiles"][0]["weights"]):
        out[frames[stack[-1]]["name"]] += weight
    return out


def test_speedscope_opens_the_export_and_lists_its_frames(browser, served, gpu_fixture):
    root, port = served
    profile = load(gpu_fixture)
    path = speedscope.export(profile, root / "gpu.speedscope.json")
    doc = json.loads(Path(path).read_text())
    # the file validates against the schema speedscope itself ships
    import jsonschema

    jsonschema.validate(doc, json.loads((RELEASE / "file-format-schema.json").read_text()))

    page = Page(browser, allow_hosts=(port,))
    try:
        p = page.page
        base = f"http://127.0.0.1:{port}"
        p.goto(f"{base}/index.html#profileURL={base}/gpu.speedscope.json")
        p.wait_for_function("document.title === 'gpu_bert_8gpu - speedscope'", timeout=30_000)
        assert p.get_by_text("gpu_bert_8gpu (ops)").count() == 1  # the profile's name in the toolbar
        p.get_by_text("Sandwich", exact=False).first.click()
        table = p.locator("body")
        top = sorted(self_times(doc).items(), key=lambda kv: -kv[1])[:3]
        for name, us in top:  # the largest self times come first, with speedscope's own ms figures
            p.get_by_text(name, exact=True).first.wait_for(timeout=10_000)
            assert f"{us / 1000:.2f}ms" in table.inner_text()
        rows = [n for n in table.inner_text().splitlines() if n.strip() in {name for name, _ in top}]
        assert [r.strip() for r in rows[:3]] == [name for name, _ in top]
        assert page.errors == [] and page.blocked == []
    finally:
        page.close()


LIVE = """
import tensorflow as tf

@tf.function
def step(x):
    return tf.reduce_sum(tf.matmul(x, x))

def train_loop():
    x = tf.random.normal((256, 256), seed=1)
    for _ in range(200):
        step(x)

train_loop()
"""


@pytest.mark.tf
def test_speedscope_shows_a_live_trace_python_over_tensorflow(browser, served):
    # GIVEN a script traced with its Python stacks: the merged tree (Python -> tf.function -> ops)
    root, port = served
    (root / "live.py").write_text(LIVE)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", TFTRACE_HOME=str(root / "home"))
    run = [sys.executable, "-m", "tftrace", "run", "-o", str(root / "live.tftrace"), str(root / "live.py")]
    subprocess.run(run, check=True, env=env, capture_output=True)
    profile = load(root / "live.tftrace")
    assert profile.flame, "no Python samples: py-spy could not sample the script"
    doc = speedscope.document(profile)
    speedscope.export(profile, root / "live.speedscope.json")
    frames = {f["name"] for f in doc["shared"]["frames"]}
    assert {"train_loop", "tf.function step", "MatMul"} <= frames
    page = Page(browser, allow_hosts=(port,))
    try:
        p = page.page
        base = f"http://127.0.0.1:{port}"
        p.goto(f"{base}/index.html#profileURL={base}/live.speedscope.json")
        p.wait_for_function("document.title === 'live.py - speedscope'", timeout=30_000)
        p.get_by_text("Sandwich", exact=False).first.click()
        for name in ("train_loop", "tf.function step", "MatMul"):  # Python frame, measured call, op
            p.get_by_text(name, exact=True).first.wait_for(timeout=10_000)
        assert page.errors == [] and page.blocked == []
    finally:
        page.close()
