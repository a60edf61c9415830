"""Forked analysis: same results in the same order, whichever process computed them."""

from __future__ import annotations

import os

import pytest

from tftrace.analysis import parallel
from tftrace.sources import load


@pytest.fixture
def always_fork(monkeypatch):
    monkeypatch.setattr(parallel, "MIN_PARALLEL_WEIGHT", 0)


def square_with_pid(x):
    return x * x, os.getpid()


def test_results_come_back_in_input_order_from_several_processes(always_fork):
    items = list(range(40))
    results = parallel.map_balanced(square_with_pid, items, [1 + i % 7 for i in items], processes=2)
    assert [value for value, _ in results] == [x * x for x in items]
    assert len({pid for _, pid in results}) == 2  # a worker really computed part of it
    parallel._reap()


def test_a_failing_worker_costs_only_time(always_fork):
    parent = os.getpid()

    def fails_in_a_worker(x):
        if os.getpid() != parent:
            raise RuntimeError("worker broke")
        return x + 1

    assert parallel.map_balanced(fails_in_a_worker, [1, 2, 3, 4], [5, 5, 5, 5], processes=2) == [2, 3, 4, 5]


def test_an_error_in_the_callers_share_is_raised(always_fork):
    def fails_here(x):
        if x == 0:
            raise ValueError("bad piece")
        return x

    with pytest.raises(ValueError, match="bad piece"):
        parallel.map_balanced(fails_here, [0, 1], [10, 1], processes=2)  # the heaviest goes to the caller


def test_small_work_stays_in_process():
    results = parallel.map_balanced(square_with_pid, [1, 2, 3], [1, 1, 1], processes=2)
    assert {pid for _, pid in results} == {os.getpid()}


def test_balance_evens_out_the_weights():
    shares = parallel.balance([9, 1, 1, 1, 8, 2], 2)
    loads = [sum([9, 1, 1, 1, 8, 2][i] for i in share) for share in shares]
    assert sorted(i for share in shares for i in share) == list(range(6))
    assert abs(loads[0] - loads[1]) <= 1


def test_gpu_profile_is_identical_with_two_processes(gpu_fixture, always_fork):
    one = load(gpu_fixture, keep_raw=False)
    two = load(gpu_fixture, keep_raw=False, processes=2)
    assert two.to_dict() == one.to_dict()
    assert two.kernels and two.ops


def test_several_hosts_and_workers_give_the_same_profile(gpu_fixture, always_fork):
    from tftrace.analysis import analyze_bytes

    blobs = lambda: {"worker0": gpu_fixture.read_bytes(), "worker1": gpu_fixture.read_bytes()}
    one = analyze_bytes(blobs(), keep_raw=False)
    assert analyze_bytes(blobs(), keep_raw=False, processes=3).to_dict() == one.to_dict()
    assert len(one.hosts) == 2
