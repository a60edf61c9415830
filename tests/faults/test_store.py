"""The run store loses nothing: unique ids under concurrent adds, no file ever overwritten,
a fallback when the store cannot be written, a moved store, a read-only store, reads that
create nothing, ids matched literally. Hand-made profiles: no TensorFlow."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import pytest
from faultkit import python, small_profile, tftrace

import tftrace.store as store_mod
from tftrace import load, runfile
from tftrace.capture.session import Trace
from tftrace.store import Store

ADDER = """
import sys
from faultkit import small_profile
from tftrace.store import Store
store, proc = Store(sys.argv[1]), sys.argv[2]
for n in range(int(sys.argv[3])):
    print(store.add(small_profile("c", f"{proc}-{n}", xspace=f"{proc}-{n}".encode())), flush=True)
"""


@pytest.fixture
def home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("TFTRACE_HOME", str(home))
    return home


def test_two_processes_adding_1500_runs_each_lose_nothing(tmp_path):
    # GIVEN two processes adding 1,500 runs each to one store at the same time
    home = tmp_path / "home"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.path.dirname(__file__), *sys.path]))
    procs = [subprocess.Popen([sys.executable, "-c", ADDER, str(home), name, "1500"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env) for name in ("a", "b")]
    outputs = [p.communicate(timeout=600) for p in procs]
    # THEN every add succeeded with its own id, and each id's file holds its own run
    assert [p.returncode for p in procs] == [0, 0], [err[-2000:] for _, err in outputs]
    ids = [line for out, _ in outputs for line in out.split()]
    assert len(ids) == 3000 and len(set(ids)) == 3000
    rows = Store(str(home)).list()
    assert len(rows) == 3000 and {r["id"] for r in rows} == set(ids)
    store = Store(str(home))
    for row in rows:
        profile = runfile.load(store.file_of(row["path"]))
        assert profile.source == row["source"]
        assert profile.xspaces == {"h": row["source"].encode()}
    assert sorted(os.listdir(home / "runs")) == sorted(f"{i}.tftrace" for i in ids)  # no temp file left


def test_a_forced_id_collision_draws_a_new_id_and_overwrites_nothing(home, monkeypatch):
    # GIVEN an id generator that repeats itself, and a stray file holding a later id
    drawn = iter(["20261130-040243-aaaaaa", "20261130-040243-aaaaaa", "20261130-040243-bbbbbb",
                  "20261130-040243-cccccc"])
    monkeypatch.setattr(store_mod, "new_run_id", lambda now=None: next(drawn))
    store = Store(str(home))
    first = store.add(small_profile("a", "A"))
    (home / "runs" / "20261130-040243-bbbbbb.tftrace").write_bytes(b"someone else's file")
    # WHEN a second run draws the taken id, then the id of the stray file
    second = store.add(small_profile("b", "B"))
    # THEN it took the next free id; run A and the stray file are untouched
    assert (first, second) == ("20261130-040243-aaaaaa", "20261130-040243-cccccc")
    assert load(first).source == "A" and load(second).source == "B"
    assert (home / "runs" / "20261130-040243-bbbbbb.tftrace").read_bytes() == b"someone else's file"
    assert [r["id"] for r in store.list()] == [second, first]


def test_an_id_taken_in_the_index_only_is_not_reused(home, monkeypatch):
    drawn = iter(["20261130-040243-aaaaaa", "20261130-040243-aaaaaa", "20261130-040243-dddddd"])
    monkeypatch.setattr(store_mod, "new_run_id", lambda now=None: next(drawn))
    store = Store(str(home))
    first = store.add(small_profile("a", "A"))
    os.unlink(home / "runs" / f"{first}.tftrace")  # the index row stays
    assert store.add(small_profile("b", "B")) == "20261130-040243-dddddd"
    assert not (home / "runs" / f"{first}.tftrace").exists()


def _unwritable_home(tmp_path) -> str:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    return str(blocker / "home")  # even root cannot create a directory under a file


def test_trace_keeps_the_profile_beside_the_working_directory_when_the_store_fails(tmp_path, monkeypatch, capsys):
    # GIVEN a trace whose store cannot be written
    monkeypatch.chdir(tmp_path)
    t = Trace(name="unstored", home=_unwritable_home(tmp_path))
    t.profile = small_profile("unstored", "kept")
    # WHEN it stores its profile
    t._store()
    # THEN the run is a file in the working directory, one line says where, nothing raised
    [kept] = tmp_path.glob("tftrace-*.tftrace")
    assert t.run_id is None and t.saved_to == str(kept)
    assert load(kept).source == "kept"
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("tftrace: the run store at ") and "cannot be written (" in line
    assert line.endswith(f"the run was saved to {kept}")
    assert t.profile.warnings == [line[len("tftrace: "):]]


def test_the_profile_stays_in_memory_when_no_file_can_be_written(tmp_path, monkeypatch, capsys):
    import tftrace.runfile

    def refuse(profile, path):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tftrace.runfile, "save_new", refuse)
    t = Trace(name="nowhere", home=str(tmp_path / "home"))
    t.profile = small_profile("nowhere", "mem")
    t._store()
    assert t.run_id is None and t.saved_to is None and t.profile.source == "mem"
    [line] = capsys.readouterr().err.splitlines()
    assert line.endswith("it could not be saved in the working directory either (permission denied): "
                         "the profile is kept in memory only")


def test_a_moved_store_loads_every_run(tmp_path):
    # GIVEN a store with runs, one of them indexed the old way (an absolute path)
    old = tmp_path / "old"
    store = Store(str(old))
    ids = [store.add(small_profile("m", f"run{n}")) for n in range(3)]
    with sqlite3.connect(old / "index.sqlite") as db:
        db.execute("UPDATE runs SET path = ? WHERE id = ?", (str(old / "runs" / f"{ids[0]}.tftrace"), ids[0]))
    # WHEN the whole store moves
    new = tmp_path / "moved" / "home"
    new.parent.mkdir()
    os.rename(old, new)
    # THEN every run loads from the new place, and the list shows no absolute path
    moved = Store(str(new))
    assert [runfile.load(moved.find(i)).source for i in ids] == ["run0", "run1", "run2"]
    assert all(not os.path.isabs(r["path"]) for r in moved.list())
    result = tftrace("stats", ids[0], "--format", "json", env=dict(os.environ, TFTRACE_HOME=str(new)))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["ops"][0]["name"] == "op-run0"


def test_reading_a_missing_store_creates_nothing(tmp_path):
    home = tmp_path / "nothing-here"
    store = Store(str(home))
    assert store.list() == [] and store.find("anything") is None and store.resolve("2026") is None
    result = tftrace("ls", env=dict(os.environ, TFTRACE_HOME=str(home)))
    assert (result.returncode, result.stdout.strip()) == (0, "no runs stored yet")
    result = tftrace("stats", "some-run", env=dict(os.environ, TFTRACE_HOME=str(home)))
    assert result.returncode == 2
    assert not home.exists()


def test_a_read_only_store_lists_and_loads(tmp_path):
    # GIVEN a store its reader cannot write (modes r-x)
    home = str(tmp_path / "home")
    store = Store(home)
    run_id = store.add(small_profile("ro", "read-only"))
    for path in (home, store.runs_dir):
        os.chmod(path, 0o555)
    env = dict(os.environ, TFTRACE_HOME=home)
    # WHEN an unprivileged user lists it and reads a run
    listing = tftrace("ls", env=env, unprivileged=True)
    stats = tftrace("stats", run_id[:-2], "--format", "json", env=env, unprivileged=True)
    # THEN both work and nothing was written
    assert listing.returncode == 0 and run_id in listing.stdout, listing.stderr
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["ops"][0]["name"] == "op-read-only"
    assert sorted(os.listdir(home)) == ["index.sqlite", "runs"]


def test_adding_to_a_read_only_store_is_a_one_line_store_error(tmp_path):
    home = str(tmp_path / "home")
    Store(home).add(small_profile("first", "first"))
    os.chmod(os.path.join(home, "runs"), 0o555)
    result = python(f"from faultkit import small_profile\nfrom tftrace.store import Store\n"
                    f"Store({home!r}).add(small_profile())",
                    env=dict(os.environ, PYTHONPATH=os.path.dirname(__file__)), unprivileged=True)
    assert "StoreError: the run store at " in result.stderr and "cannot be written (permission denied)" in result.stderr


@pytest.mark.parametrize("ref", ["%", "_", "2026%", "%-%", "________", "2026113_"])
def test_wildcards_in_a_ref_match_literally(home, ref):
    store = Store(str(home))
    store.add(small_profile("a", "a"))
    store.add(small_profile("b", "b"))
    assert store.resolve(ref) is None
    named = store.add(small_profile(ref, "named"))
    assert store.resolve(ref).run_id == named
