"""Bad input: one clear line and an exit code, never a traceback."""

import subprocess
import sys

import pytest

from tftrace import load
from tftrace.errors import EmptyProfileError, SourceError


def test_missing_file(tmp_path):
    with pytest.raises(SourceError, match="no such file"):
        load(tmp_path / "nope.xplane.pb")


def test_not_an_xspace(tmp_path):
    path = tmp_path / "notes.xplane.pb"
    path.write_text("this is plainly a text file\n" * 10)
    with pytest.raises(SourceError, match="not .*XSpace"):
        load(path)


def test_truncated(tmp_path, gpu_fixture):
    path = tmp_path / "cut.xplane.pb"
    path.write_bytes(gpu_fixture.read_bytes()[:200_000])
    with pytest.raises(SourceError, match="truncated or corrupt"):
        load(path)


def test_empty_file(tmp_path):
    path = tmp_path / "empty.xplane.pb"
    path.write_bytes(b"")
    with pytest.raises(EmptyProfileError, match="empty"):
        load(path)


def test_logdir_without_profile(tmp_path):
    with pytest.raises(SourceError, match="no profile found"):
        load(tmp_path)


def test_corrupt_run_file(tmp_path):
    import zipfile

    path = tmp_path / "bad.tftrace"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("tftrace.json", "{not json")
    with pytest.raises(SourceError, match="corrupt tftrace run file"):
        load(path)


@pytest.mark.parametrize("content, code", [(b"garbage\x00\x01", 2), (b"", 3)])
def test_cli_prints_one_line_and_exit_code(tmp_path, content, code):
    path = tmp_path / "it's <bad>.xplane.pb"
    path.write_bytes(content)
    result = subprocess.run([sys.executable, "-m", "tftrace", "stats", str(path)], capture_output=True, text=True)
    assert result.returncode == code
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr and str(path) in result.stderr


def test_logdir_with_several_hosts_keeps_them_apart(tmp_path, gpu_fixture):
    session = tmp_path / "plugins" / "profile" / "2026_01_01_00_00_00"
    session.mkdir(parents=True)
    for worker in ("worker0_6009", "worker1_6010"):
        (session / f"{worker}.xplane.pb").write_bytes(gpu_fixture.read_bytes())
    profile = load(tmp_path)
    assert profile.hosts == ["34.83.195.179:6003 (worker0_6009)", "34.83.195.179:6003 (worker1_6010)"]
    single = load(gpu_fixture)
    assert len(profile.kernels) == 2 * len(single.kernels)
    assert {d.host for d in profile.devices} == {k.host for k in profile.kernels} == set(profile.hosts)
