"""Runs by name: a SOURCE may be a run id, a run name (the newest run of that name) or a
unique id prefix, matched literally; a store of small hand-made profiles (no TensorFlow)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tftrace import load, sources
from tftrace.errors import SourceError, StoreError
from tftrace.model import Device, OpStat, Profile
from tftrace.store import Store


def small_profile(name: str, tag: str) -> Profile:
    """A one-op profile; ``source`` tells which one a lookup found."""
    op = OpStat(name=f"op-{tag}", type="MatMul", device="/host:CPU", mode="eager", count=1, total_us=5.0,
                self_us=5.0, host="h")
    return Profile(name=name, source=tag, hosts=["h"], devices=[Device(name="/host:CPU", host="h", kind="cpu")],
                   ops=[op])


@pytest.fixture
def store(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("TFTRACE_HOME", str(home))
    return Store(str(home))


def test_a_name_finds_its_run(store):
    name = "custom loop's 100% _x_ \"v2\""
    store.add(small_profile("other", "other"))
    run_id = store.add(small_profile(name, "mine"))
    match = store.resolve(name)
    assert (match.run_id, match.note) == (run_id, "")
    assert store.find(name) == match.path
    loaded = sources.resolve(name)
    assert (loaded.profile.source, loaded.run_id, loaded.note) == ("mine", run_id, "")
    assert load(name).ops[0].name == "op-mine"


def test_newest_of_several_runs_sharing_a_name_wins_with_a_note(store):
    ids = [store.add(small_profile("custom-loop", f"v{n}")) for n in range(3)]
    store.add(small_profile("unrelated", "u"))
    loaded = sources.resolve("custom-loop")
    assert (loaded.profile.source, loaded.run_id) == ("v2", ids[2])  # by insertion order, even within one second
    assert loaded.note == (f"3 runs are named 'custom-loop'; using the newest, {ids[2]} "
                           f"(older: {ids[1]}, {ids[0]})")
    assert "\n" not in loaded.note
    assert load("custom-loop").source == "v2"


def test_like_wildcards_match_literally(store):
    ids = [store.add(small_profile("a", "a")), store.add(small_profile("b", "b"))]
    for ref in ("%", "_", "2%", "_0%", ids[0][:3] + "_", ids[0].replace("-", "_"), "%" + ids[0][-4:]):
        assert store.resolve(ref) is None, ref
        with pytest.raises(SourceError):
            load(ref)
    percent = store.add(small_profile("%", "percent"))
    assert store.resolve("%").run_id == percent
    assert store.resolve("_") is None


def test_exact_id_then_name_then_unique_prefix(store):
    first = store.add(small_profile("first", "first"))
    store.add(small_profile(first, "named-like-first"))  # a name equal to another run's id
    assert store.resolve(first).run_id == first
    assert load(first).source == "first"
    date = first[:8]
    by_date = store.add(small_profile(date, "named-like-a-prefix"))  # a name that is every run's id prefix
    assert store.resolve(date).run_id == by_date
    prefix = _shortest_unique_prefix(first, [r["id"] for r in store.list()])
    assert store.resolve(prefix).run_id == first


def test_ambiguous_prefix_is_one_line(store):
    ids = [store.add(small_profile("x", str(n))) for n in range(3)]
    with pytest.raises(StoreError, match="ambiguous") as caught:
        store.resolve(ids[0][:4])
    assert "\n" not in str(caught.value)


def test_unknown_ref_is_one_line_source_error(store):
    store.add(small_profile("custom-loop", "c"))
    with pytest.raises(SourceError) as caught:
        load("custom-loops")
    assert str(caught.value) == "custom-loops: no such file, directory, run id or run name"
    assert store.resolve("") is None


@pytest.mark.parametrize("name", ["loop.tftrace", "loop.xplane.pb", f"runs{os.sep}loop"])
def test_a_name_that_looks_like_a_path_stays_a_path(store, name):
    store.add(small_profile(name, "pathlike"))
    assert store.resolve(name) is not None  # the store knows it, but SOURCE reads as a path
    with pytest.raises(SourceError, match="no such file"):
        load(name)


def test_a_path_beats_a_run_name(store, tmp_path, monkeypatch):
    store.add(small_profile("here", "stored"))
    small_profile("here", "file").save(tmp_path / "here")
    monkeypatch.chdir(tmp_path)
    assert sources.resolve("here").profile.source == "file"


def test_cli_stats_by_name_notes_shared_names_on_stderr(store):
    env = dict(os.environ, TFTRACE_HOME=store.home)
    stats = lambda: subprocess.run([sys.executable, "-m", "tftrace", "stats", "my run", "--format", "json"],
                                   capture_output=True, text=True, env=env)
    store.add(small_profile("my run", "one"))
    result = stats()
    assert result.returncode == 0, result.stderr
    assert [op["name"] for op in json.loads(result.stdout)["ops"]] == ["op-one"]
    assert result.stderr == ""
    newest = store.add(small_profile("my run", "two"))
    result = stats()
    assert [op["name"] for op in json.loads(result.stdout)["ops"]] == ["op-two"]
    assert result.stderr.splitlines() == [f"tftrace: 2 runs are named 'my run'; using the newest, {newest} "
                                          f"(older: {store.list()[1]['id']})"]


def _shortest_unique_prefix(run_id: str, ids: list[str]) -> str:
    others = [i for i in ids if i != run_id]
    return next(run_id[:n] for n in range(1, len(run_id) + 1) if not any(i.startswith(run_id[:n]) for i in others))


@pytest.mark.parametrize("env", [{}, {"JUPYTER_DATA_DIR": "/tmp/jd"}, {"XDG_DATA_HOME": "/tmp/xdg"}])
def test_the_default_store_is_in_jupyters_data_dir_with_or_without_jupyter_core(monkeypatch, env):
    """Found without importing jupyter_core, the same directory jupyter_core gives."""
    from jupyter_core.paths import jupyter_data_dir

    from tftrace.store import default_home

    for name in ("TFTRACE_HOME", "JUPYTER_DATA_DIR", "XDG_DATA_HOME", "JUPYTER_PLATFORM_DIRS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert default_home() == os.path.join(jupyter_data_dir(), "tftrace")
