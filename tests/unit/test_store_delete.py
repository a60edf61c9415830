"""Deleting a run (``Store.delete``, behind the sidebar's "Delete Run"): the index row and the
run file go together or not at all, only an exact id deletes, and asking about an unknown
run creates nothing. Hand-made one-op profiles: no TensorFlow."""

from __future__ import annotations

import os
import sqlite3

import pytest

from tftrace.errors import StoreError
from tftrace.model import Device, OpStat, Profile
from tftrace.store import Store


def small_profile(name: str) -> Profile:
    op = OpStat(name="op", type="MatMul", device="/host:CPU", mode="eager", count=1, total_us=5.0, self_us=5.0,
                host="h")
    return Profile(name=name, source=name, hosts=["h"], devices=[Device(name="/host:CPU", host="h", kind="cpu")],
                   ops=[op])


@pytest.fixture
def store(tmp_path):
    return Store(str(tmp_path / "home"))


def test_delete_forgets_the_run_and_removes_its_file(store):
    # GIVEN three runs
    ids = [store.add(small_profile(f"r{n}")) for n in range(3)]
    path = store.find(ids[1])
    # WHEN the middle one is deleted
    assert store.delete(ids[1]) is True
    # THEN it is gone from the index and the disk, the others keep their order and files
    assert [r["id"] for r in store.list()] == [ids[2], ids[0]]
    assert store.find(ids[1]) is None and not os.path.exists(path)
    assert sorted(os.listdir(store.runs_dir)) == sorted(f"{i}.tftrace" for i in (ids[0], ids[2]))
    # AND deleting it again says there was no such run
    assert store.delete(ids[1]) is False


def test_only_an_exact_id_deletes(store):
    run_id = store.add(small_profile("named"))
    for ref in ("named", run_id[:-1], run_id[:8], "%", ""):
        assert store.delete(ref) is False, ref
    assert [r["id"] for r in store.list()] == [run_id]


def test_deleting_from_a_store_that_does_not_exist_creates_nothing(tmp_path):
    home = tmp_path / "nowhere"
    assert Store(str(home)).delete("20260101-000000-abcdef") is False
    assert not home.exists()


def test_a_run_whose_file_is_already_gone_is_still_forgotten(store):
    run_id = store.add(small_profile("r"))
    os.unlink(store.find(run_id))
    assert store.delete(run_id) is True and store.list() == []


def test_a_failed_delete_keeps_the_row_and_the_file(store):
    # GIVEN a run, and an index that refuses to delete rows (a trigger aborts the DELETE)
    run_id = store.add(small_profile("kept"))
    path = store.find(run_id)
    content = open(path, "rb").read()
    with sqlite3.connect(store.index) as db:
        db.execute("CREATE TRIGGER no_delete BEFORE DELETE ON runs BEGIN SELECT RAISE(ABORT, 'refused'); END")
    # WHEN the run is deleted, THEN it is one StoreError line
    with pytest.raises(StoreError) as failed:
        store.delete(run_id)
    assert "cannot be written (refused)" in str(failed.value) and "\n" not in str(failed.value)
    # AND the run is still indexed, its file back in place, byte for byte, nothing left aside
    assert [r["id"] for r in store.list()] == [run_id]
    assert open(path, "rb").read() == content
    assert os.listdir(store.runs_dir) == [f"{run_id}.tftrace"]
