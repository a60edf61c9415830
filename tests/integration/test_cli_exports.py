"""The command line's exports, version and help, as a subprocess on the recorded GPU profile."""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
from collections import defaultdict

import pytest

import tftrace
from tftrace.cli import _parser


def tftrace_cli(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "tftrace", *map(str, args)], capture_output=True, text=True, **kwargs)


def test_version_is_the_package_version():
    result = tftrace_cli("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"tftrace {tftrace.__version__}"


def _actions(parser):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from ((f"{name} {a}", h) for a, h in _actions(sub))
        else:
            yield "/".join(action.option_strings) or action.dest, action.help


def test_every_argument_has_help():
    missing = [name for name, text in _actions(_parser()) if not text]
    assert missing == []
    commands = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert {"run", "stats", "report", "export", "diff", "capture", "ls"} <= set(commands.choices)
    assert all(c.help for c in commands._choices_actions)
    text = tftrace_cli("export", "--help").stdout
    assert "chrome" in text and "speedscope" in text and "csv" in text and "tensorboard" in text


def test_chrome_export_durations_equal_the_stats_json_ops(gpu_fixture, tmp_path):
    result = tftrace_cli("export", gpu_fixture, "--format", "chrome", "-o", tmp_path / "trace.json")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(tmp_path / "trace.json")
    events = json.loads((tmp_path / "trace.json").read_text())["traceEvents"]
    stats = json.loads(tftrace_cli("stats", gpu_fixture, "--format", "json").stdout)
    processes = {e["pid"]: e["args"]["name"] for e in events if e["ph"] == "M" and e["name"] == "process_name"}
    table = defaultdict(float)
    for op in stats["ops"]:
        if op["device"] == "/host:CPU":
            table[op["name"]] += op["total_us"]
    summed = defaultdict(float)
    for e in events:
        if e["ph"] == "X" and e["cat"] == "event" and processes[e["pid"]] == "/host:CPU":
            name = e["name"] if e["name"] in table else e["name"].split(":", 1)[0]
            summed[name] += e["dur"]
    assert len(table) > 4000
    assert all(summed[name] == pytest.approx(total, abs=1e-3) for name, total in table.items())


def test_speedscope_and_csv_exports_from_the_command_line(gpu_fixture, tmp_path):
    result = tftrace_cli("export", gpu_fixture, "--format", "speedscope", "-o", tmp_path / "flame.speedscope.json")
    assert result.returncode == 0, result.stderr
    doc = json.loads((tmp_path / "flame.speedscope.json").read_text())
    assert doc["profiles"][0]["type"] == "sampled" and doc["shared"]["frames"]
    result = tftrace_cli("export", gpu_fixture, "--format", "csv", "-o", tmp_path / "tables")
    assert result.returncode == 0 and result.stdout.strip() == str(tmp_path / "tables")
    with open(tmp_path / "tables" / "kernels.csv", newline="") as f:
        assert sum(float(r["total_us"]) for r in csv.DictReader(f)) == pytest.approx(29_690.748, abs=1e-2)


def test_export_errors_are_one_line_with_their_exit_codes(gpu_fixture, tmp_path):
    (tmp_path / "a file").write_text("x")
    result = tftrace_cli("export", gpu_fixture, "--format", "csv", "-o", tmp_path / "a file")
    assert result.returncode == 6 and result.stderr.count("\n") == 1 and result.stderr.startswith("tftrace: error:")
    result = tftrace_cli("export", gpu_fixture, "--format", "chrome", "-o", tmp_path / "missing" / "t.json")
    assert result.returncode == 6 and "no such directory" in result.stderr
    assert tftrace_cli("export", gpu_fixture, "--format", "svg", "-o", tmp_path / "x").returncode == 2
    assert tftrace_cli("export", tmp_path / "nothing.pb", "--format", "chrome", "-o", tmp_path / "x").returncode == 2
