"""Damaged run files are one line and exit code 2 everywhere (CLI, ``tftrace.load``, the
magic): a truncated zip, a corrupted member (deflate error, CRC error), JSON of the wrong
shape, a zip that is not a run, garbage bytes. Hand-made run files: no TensorFlow."""

from __future__ import annotations

import json
import shlex
import zipfile

import pytest
from faultkit import ipython_shell, one_error_line, small_profile, tftrace
from IPython.core.error import UsageError

from tftrace import load
from tftrace.errors import SourceError

XSPACE = b"an xspace that compresses well " * 400


def good_run(path):
    return small_profile("good", "good", xspace=XSPACE).save(path)


def _member_data(path, name) -> tuple[int, int]:
    """(offset, size) of a member's stored bytes inside the zip."""
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(name)
    with open(path, "rb") as f:
        f.seek(info.header_offset + 26)
        name_len, extra_len = int.from_bytes(f.read(2), "little"), int.from_bytes(f.read(2), "little")
    return info.header_offset + 30 + name_len + extra_len, info.compress_size


def _overwrite(path, offset, data: bytes):
    with open(path, "r+b") as f:
        f.seek(offset)
        f.write(data)


def truncated(path):
    good_run(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def deflate_garbage(path, member="xspace/0.xplane.pb"):
    good_run(path)
    offset, size = _member_data(path, member)
    _overwrite(path, offset, b"\xff" * min(size, 64))  # deflate block type 3: zlib.error


def crc_mismatch(path, member="xspace/0.xplane.pb"):
    profile = small_profile("good", "good", xspace=XSPACE)
    body = {"format": "tftrace.run/1", "profile": profile.to_dict(), "xspace_hosts": ["h"]}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr("tftrace.json", json.dumps(body))
        zf.writestr("xspace/0.xplane.pb", XSPACE)
    offset, size = _member_data(path, member)
    _overwrite(path, offset + size // 2, b"#")


def json_case(body):
    def make(path):
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("tftrace.json", json.dumps(body))
    return make


def _profile(**changes):
    data = small_profile().to_dict()
    data.update(changes)
    return {"format": "tftrace.run/1", "profile": data, "xspace_hosts": []}


def not_a_run(path):
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("notes.txt", "a zip of something else")


CORRUPT = {
    "truncated zip": (truncated, "corrupt tftrace run file (not a zip archive, or cut short)"),
    "deflate error in the xspace": (deflate_garbage, "corrupt tftrace run file ("),
    "deflate error in tftrace.json": (lambda p: deflate_garbage(p, "tftrace.json"), "corrupt tftrace run file ("),
    "CRC error in the xspace": (crc_mismatch, "corrupt tftrace run file (Bad CRC-32"),
    "CRC error in tftrace.json": (lambda p: crc_mismatch(p, "tftrace.json"), "corrupt tftrace run file (Bad CRC-32"),
    "json list": (json_case([1, 2]), "corrupt tftrace run file (tftrace.json holds a list, not an object)"),
    "no profile": (json_case({"format": "tftrace.run/1"}), "corrupt tftrace run file (no profile object)"),
    "ops not a list": (json_case(_profile(ops={"a": 1})), "corrupt tftrace run file (profile.ops is dict"),
    "op row missing its name": (json_case(_profile(ops=[{"type": "MatMul"}])), "(ops[0] has no 'name')"),
    "duration a string": (json_case(_profile(duration_us="long")), "(profile.duration_us is str, expected float)"),
    "missing xspace member": (json_case(dict(_profile(), xspace_hosts=["h"])),
                              "(member xspace/0.xplane.pb is missing)"),
    "not json": (json_case(None), "corrupt tftrace run file ("),
    "not a run": (not_a_run, "not a tftrace run file (a zip archive without tftrace.json)"),
    "garbage bytes": (lambda p: p.write_bytes(b"\x00garbage\xff" * 50), "corrupt tftrace run file ("),
}


@pytest.fixture(params=list(CORRUPT))
def corrupt(request, tmp_path):
    make, expected = CORRUPT[request.param]
    path = tmp_path / "it's a <bad> run.tftrace"
    if request.param == "not json":
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("tftrace.json", "{not json")
    else:
        make(path)
    return path, expected


def test_load_raises_one_line_source_error(corrupt):
    path, expected = corrupt
    for keep_raw in (True, False):
        with pytest.raises(SourceError) as caught:
            from tftrace.sources import load as load_source
            load_source(path, keep_raw=keep_raw)
        assert str(caught.value).startswith(f"{path}: ") and expected in str(caught.value)
        assert "\n" not in str(caught.value)


@pytest.mark.parametrize("command", [("stats",), ("stats", "--format", "json"), ("report", "-o", "{tmp}/r.html"),
                                     ("export", "--format", "tensorboard", "-o", "{tmp}/tb")])
def test_cli_says_one_line_and_exits_2(corrupt, command, tmp_path):
    path, expected = corrupt
    args = [arg.replace("{tmp}", str(tmp_path)) for arg in command]
    result = tftrace(args[0], path, *args[1:])
    line = one_error_line(result, 2)
    assert line.startswith(f"tftrace: error: {path}: ") and expected in line
    assert result.stdout == ""
    assert not (tmp_path / "r.html").exists() and not (tmp_path / "tb").exists()  # nothing written from garbage


def test_diff_with_a_corrupt_side_is_one_line(tmp_path):
    good, bad = tmp_path / "good.tftrace", tmp_path / "bad.tftrace"
    good_run(good)
    truncated(bad)
    assert "corrupt tftrace run file" in one_error_line(tftrace("diff", good, bad), 2)


def test_a_sound_run_still_loads(tmp_path):
    path = tmp_path / "good.tftrace"
    good_run(path)
    assert load(path).xspaces == {"h": XSPACE}
    assert tftrace("stats", path).returncode == 0


def test_debug_shows_the_traceback(tmp_path):
    path = tmp_path / "bad.tftrace"
    truncated(path)
    result = tftrace("--debug", "stats", path)
    assert result.returncode == 2
    assert "Traceback" in result.stderr and result.stderr.strip().splitlines()[-1].startswith("tftrace: error: ")


def test_magic_raises_usage_error_with_the_one_line(corrupt):
    path, expected = corrupt
    out = path.parent / "out.html"
    for line in (f"show {shlex.quote(str(path))}", f"export {shlex.quote(str(path))} {shlex.quote(str(out))}"):
        with ipython_shell() as shell, pytest.raises(UsageError) as caught:
            shell.run_line_magic("tftrace", line)
        assert expected in str(caught.value) and "\n" not in str(caught.value)
    assert not out.exists()


def test_magic_with_an_unclosed_quote_is_a_usage_error():
    with ipython_shell() as shell, pytest.raises(UsageError, match="No closing quotation"):
        shell.run_line_magic("tftrace", "show 'unclosed")
