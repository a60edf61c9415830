"""The jupyter-server extension under load (issue 11, item 7): while four large runs load,
the server keeps answering (``/api/status`` within 0.5 s); errors stay JSON (404 unknown
run, 400 unreadable run, 403 without a token); a payload built once is served from cache.

A real JupyterLab server on loopback with its own TFTRACE_HOME; the runs are hand-built
(1M op events each, no TensorFlow), each payload taking about a second to build here.
"""

from __future__ import annotations

import json
import sys
import threading
import time
import urllib.error
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "browser"))
from browserkit import Lab  # noqa: E402

from bigrun import big_profile  # noqa: E402
from tftrace.store import Store  # noqa: E402

EVENTS = 1_000_000
RUNS = 4
POLL_S = 0.05
LOAD_TIMEOUT_S = 180  # a busy 2-core machine builds 4 large payloads 2 at a time


@pytest.fixture(scope="module")
def lab_with_big_runs(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    store = Store(str(home))
    profile = big_profile(EVENTS)
    ids = [store.add(profile) for _ in range(RUNS)]
    root = tmp_path_factory.mktemp("lab")
    lab = Lab(root, home)
    yield lab, store, ids
    lab.stop()


def timed(call) -> tuple[float, object]:
    t0 = time.monotonic()
    result = call()
    return time.monotonic() - t0, result


def status_latencies(lab: Lab, until: threading.Event) -> list[float]:
    """Latency of ``/api/status``, asked every POLL_S until UNTIL is set."""
    latencies = []
    while not until.is_set():
        latencies.append(timed(lambda: lab.api("status", timeout=LOAD_TIMEOUT_S))[0])
        time.sleep(POLL_S)
    return latencies


def load_in_parallel(lab: Lab, paths: list[str]) -> tuple[list, list[float]]:
    """Every path fetched at once while the status is polled: (responses, status latencies)."""
    results: list = [None] * len(paths)
    done = threading.Event()

    def fetch(i: int) -> None:
        try:
            results[i] = lab.api(paths[i], prefix="tftrace", timeout=LOAD_TIMEOUT_S)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            results[i] = exc

    threads = [threading.Thread(target=fetch, args=(i,)) for i in range(len(paths))]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    poller = threading.Thread(target=lambda: latencies.extend(status_latencies(lab, done)))
    latencies: list[float] = []
    poller.start()
    for t in threads:
        t.join(300)
    done.set()
    print(f"{len(paths)} requests answered in {time.monotonic() - t0:.1f} s")
    poller.join(30)
    return results, latencies


def test_status_answers_while_four_large_runs_load(lab_with_big_runs):
    # GIVEN a server holding four large runs, none loaded yet
    lab, _, ids = lab_with_big_runs
    # WHEN the four payloads are asked for at once while /api/status is polled
    payloads, latencies = load_in_parallel(lab, [f"runs/{i}" for i in ids])
    # THEN every payload arrives whole
    assert all(isinstance(p, dict) and p.get("schema") == "tftrace.payload/1" for p in payloads), payloads
    assert all(p["timeline"]["count"] == EVENTS for p in payloads)
    # AND the server kept answering meanwhile
    print(f"/api/status while {RUNS} runs of {EVENTS:,} events load: {len(latencies)} polls, "
          f"max {max(latencies):.3f} s")
    assert len(latencies) > 3 and max(latencies) < 0.5, latencies


def test_a_payload_built_once_comes_from_cache(lab_with_big_runs):
    # GIVEN a run whose payload was built (by the test above, or now)
    lab, _, ids = lab_with_big_runs
    lab.api(f"runs/{ids[0]}", prefix="tftrace")
    # WHEN it is asked for again, THEN it is much faster than building it (about a second)
    again, payload = timed(lambda: lab.api(f"runs/{ids[0]}", prefix="tftrace"))
    assert payload["schema"] == "tftrace.payload/1" and again < 0.3, again


def test_comparison_runs_off_the_loop_too(lab_with_big_runs):
    # GIVEN two large runs
    lab, _, ids = lab_with_big_runs
    # WHEN they are compared while the status is polled
    (compared,), latencies = load_in_parallel(lab, [f"compare?a={ids[0]}&b={ids[1]}"])
    # THEN the comparison arrives and the server kept answering
    assert isinstance(compared, dict) and compared.get("schema") == "tftrace.diff/1", compared
    assert max(latencies, default=0) < 0.5, latencies


def error_of(lab: Lab, path: str, token: bool = True) -> tuple[int, dict | None]:
    with pytest.raises(urllib.error.HTTPError) as failed:
        lab.api(path, prefix="tftrace", token=token)
    body = failed.value.read()
    return failed.value.code, json.loads(body) if failed.value.code != 403 else None


def test_errors_stay_json_and_tokens_are_required(lab_with_big_runs, tmp_path):
    # GIVEN the server, and a run whose file was damaged after it was stored
    lab, store, ids = lab_with_big_runs
    damaged = store.add(big_profile(1_000))
    Path(store.find(damaged)).write_bytes(b"PK\x03\x04 not a zip")
    # THEN an unknown run is a JSON 404, a damaged one a JSON 400, and no token a 403
    code, body = error_of(lab, "runs/19990101-000000-dead")
    assert code == 404 and "no run" in body["error"]
    code, body = error_of(lab, "compare?a=19990101-000000-dead&b=" + ids[0])
    assert code == 404 and "no run" in body["error"]
    code, body = error_of(lab, f"runs/{damaged}")
    assert code == 400 and "corrupt" in body["error"], body
    for path in ("runs", f"runs/{ids[0]}", f"compare?a={ids[0]}&b={ids[1]}"):
        assert error_of(lab, path, token=False)[0] == 403
