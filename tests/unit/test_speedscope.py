"""py-spy's speedscope output is checked before the analysis reads it; a sampler's failure
reaches the profile as one warning."""

from __future__ import annotations

import pytest

from tftrace.capture import speedscope
from tftrace.model import Profile

GOOD = {"shared": {"frames": [{"name": "f", "file": "/u/a.py", "line": 3}, {"name": "g"}]},
        "profiles": [{"unit": "seconds", "samples": [[0, 1], [0]], "weights": [0.01, 0.01]}]}


def test_a_speedscope_document_passes():
    speedscope.check(GOOD)
    speedscope.check({"profiles": [], "shared": {"frames": []}})  # nothing sampled


@pytest.mark.parametrize("doc, words", [
    ([], "not a JSON object"),
    ({"shared": []}, "'shared' is not an object"),
    ({"shared": {"frames": [{"name": 1}]}}, "a frame's name is not a string"),
    ({"shared": {"frames": [{"line": "3"}]}}, "a frame's line is not an integer"),
    ({"shared": {"frames": ["f"]}}, "a frame is not an object"),
    ({"profiles": {}}, "'profiles' is not a list"),
    ({"profiles": [{"samples": [["a"]]}]}, "a sample is not a list of frame indices"),
    ({"profiles": [{"samples": [0]}]}, "a sample is not a list of frame indices"),
    ({"profiles": [{"samples": [[0]], "weights": ["x"]}]}, "weights are not numbers"),
])
def test_a_malformed_document_says_what_is_wrong(doc, words):
    with pytest.raises(speedscope.Malformed, match=words):
        speedscope.check(doc)


def test_read_tells_no_file_from_a_bad_one(tmp_path):
    assert speedscope.read(str(tmp_path / "none.json")) is None
    (tmp_path / "bad.json").write_bytes(b"\xff not json {")
    with pytest.raises(speedscope.Malformed, match="not JSON"):
        speedscope.read(str(tmp_path / "bad.json"))


def test_a_sampler_failure_is_one_warning_and_no_python(capsys):
    from tftrace.analysis.capture_merge import merge_capture
    from tftrace.capture.session import Trace

    # a sampler that failed at stop hands on no document and its problem, which the trace warns of
    trace = Trace(name="p", python=False, store=False)
    trace._warn("py-spy broke: Python stacks left out")
    trace._warn(None)
    profile = Profile(name="p", source="p")
    merge_capture(profile, {"warnings": trace._warnings, "python": None})
    assert profile.warnings == ["py-spy broke: Python stacks left out"] and not profile.python.get("samples")
    assert capsys.readouterr().err.count("py-spy broke") == 1
