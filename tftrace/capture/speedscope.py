"""Read py-spy's speedscope file and check its shape, so the analysis can trust it.

Only what ``analysis/python_stacks.py`` reads is checked: frames (objects whose
``name``/``file`` are strings and ``line`` an integer, when present) and profiles
(``samples``: lists of integer frame indices; ``weights``: numbers). Anything else
raises ``Malformed`` with a short description of the first fault found.
"""

from __future__ import annotations

import json


class Malformed(ValueError):
    """py-spy's output is not a speedscope document tftrace can read."""


def read(path: str) -> dict | None:
    """The checked document; None when py-spy wrote no file; ``Malformed`` when it is not one."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return None
    try:
        doc = json.loads(data)
    except ValueError as exc:  # UnicodeDecodeError is a ValueError too
        raise Malformed(f"not JSON: {exc}") from None
    check(doc)
    return doc


def _need(ok: bool, what: str) -> None:
    if not ok:
        raise Malformed(what)


def _is_int(x) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def check(doc) -> None:
    """Raise ``Malformed`` unless ``doc`` has the speedscope shape the analysis reads."""
    _need(isinstance(doc, dict), "not a JSON object")
    shared = doc.get("shared", {})
    _need(isinstance(shared, dict), "'shared' is not an object")
    frames = shared.get("frames", [])
    _need(isinstance(frames, list), "'shared.frames' is not a list")
    for frame in frames:
        _check_frame(frame)
    profiles = doc.get("profiles", [])
    _need(isinstance(profiles, list), "'profiles' is not a list")
    for profile in profiles:
        _check_profile(profile)


def _check_frame(frame) -> None:
    _need(isinstance(frame, dict), f"a frame is not an object: {frame!r:.60}")
    for key in ("name", "file"):
        _need(isinstance(frame.get(key, ""), str), f"a frame's {key} is not a string: {frame!r:.60}")
    _need(_is_int(frame.get("line", 0)), f"a frame's line is not an integer: {frame!r:.60}")


def _check_profile(profile) -> None:
    _need(isinstance(profile, dict), f"a profile is not an object: {profile!r:.60}")
    samples = profile.get("samples", [])
    _need(isinstance(samples, list), "a profile's samples are not a list")
    for stack in samples:
        _need(isinstance(stack, list) and all(_is_int(i) for i in stack),
              f"a sample is not a list of frame indices: {stack!r:.60}")
    weights = profile.get("weights")
    if weights is not None:
        _need(isinstance(weights, list) and all(isinstance(w, (int, float)) and not isinstance(w, bool)
                                                for w in weights), "a profile's weights are not numbers")
