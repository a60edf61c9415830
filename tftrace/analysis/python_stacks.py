"""py-spy samples (speedscope JSON) -> top frames and a Python frame tree.

Each stack starts at the user's code: frames above it (ipykernel, asyncio, IPython,
runpy, the ``tftrace`` command, the magic) are cut, and samples taken while tftrace
itself starts or stops the profiler are dropped. Frames inside TensorFlow and Keras
fold into one child of the user frame that called them: ``tf.function <name>`` when
that line is a known tf.function call site (from the hooks) and the stack enters a
tf.function, else ``TensorFlow``. tftrace's own frames are dropped. Each sample
weighs its py-spy interval.
"""

from __future__ import annotations

from ..paths import is_capture_machinery, is_entry_point, is_function_call, is_library, is_tensorflow, is_tftrace


def _samples(doc: dict, default_s: float = 0.01):
    """(stack of frame dicts root-first from the user's code on, weight in seconds) for every
    sample of every thread that was in the user's code."""
    frames = doc.get("shared", {}).get("frames", [])
    for prof in doc.get("profiles", []):
        samples = prof.get("samples", [])
        weights = prof.get("weights") if prof.get("unit") == "seconds" else None
        for stack, weight in zip(samples, weights or [default_s] * len(samples)):
            user = user_stack([frames[i] for i in stack if 0 <= i < len(frames)])
            if user:
                yield user, weight


def user_stack(stack: list) -> list:
    """The part of a root-first stack from the user's code on; [] for a sample of tftrace's own
    start/stop or of a thread that never reached the user's code."""
    if any(is_capture_machinery(f.get("file", "")) for f in stack):
        return []
    entry = max((i for i, f in enumerate(stack) if is_entry_point(f.get("file", ""))), default=-1)
    for i in range(entry + 1, len(stack)):
        if not is_library(stack[i].get("file", "")):
            return stack[i:]
    return []


def top_frames(doc: dict, limit: int = 25) -> dict:
    """{samples, seconds, top: [{function, file, line, self_pct, total_pct, user}]} over all threads."""
    self_count: dict = {}
    total_count: dict = {}
    n = 0.0
    samples = 0
    for stack, weight in _samples(doc):
        n += weight
        samples += 1
        seen = set()
        for frame in stack:
            key = (frame.get("name", "?"), frame.get("file", ""), frame.get("line", 0))
            if key not in seen:
                total_count[key] = total_count.get(key, 0) + weight
                seen.add(key)
        if stack:
            leaf = stack[-1]
            key = (leaf.get("name", "?"), leaf.get("file", ""), leaf.get("line", 0))
            self_count[key] = self_count.get(key, 0) + weight
    if not n:
        return {"samples": 0, "top": []}
    # the user's own lines first (by total: which line asked for the work), then the
    # hottest library frames (by self time)
    user = sorted((k for k in total_count if not is_library(k[1])), key=lambda k: -total_count[k])
    library = sorted((k for k in total_count if is_library(k[1])),
                     key=lambda k: (-self_count.get(k, 0), -total_count[k]))
    ranked = (user[:limit // 2] + library)[:limit]
    return {"samples": samples, "seconds": round(n, 3), "top": [
        {"function": f, "file": file, "line": line, "self_pct": round(100 * self_count.get((f, file, line), 0) / n, 2),
         "total_pct": round(100 * total_count[(f, file, line)] / n, 2), "user": not is_library(file)}
        for f, file, line in ranked]}


def _node(name: str, kind: str, file: str = "", line: int = 0) -> dict:
    return {"name": name, "kind": kind, "file": file, "line": line, "value_us": 0.0, "children": {}}


def fold_stack(stack: list, function_sites: dict) -> list[tuple]:
    """Keys (name, kind, file, line) from root to leaf: tftrace's own frames dropped,
    TensorFlow's folded into one node under the user's line that called it. Python
    frames merge across lines (line 0); the TensorFlow node keeps the calling line."""
    keys = []
    caller: dict = {}
    for i, frame in enumerate(stack):
        file = frame.get("file", "")
        if is_tftrace(file):
            continue
        if is_tensorflow(file):
            site = (caller.get("file", ""), caller.get("line", 0))
            name = function_sites.get(site)
            enters_function = any(is_function_call(f.get("file", ""), f.get("name", "")) for f in stack[i:])
            # the calling line is part of these keys: it is the line that asked for the work
            at = (caller.get("file", ""), caller.get("line", 0))
            if name and enters_function:
                keys.append((f"tf.function {name}", "function", *at))
            else:
                keys.append(("TensorFlow", "tensorflow", *at))
            return keys
        keys.append((frame.get("name", "?"), "python", file, 0))  # one node per function, any line
        caller = frame
    return keys


def frame_tree(doc: dict, function_sites: dict) -> dict:
    """Nested dict tree {name, kind, file, line, value_us, children: {key: node}}."""
    root = _node("all", "root")
    for stack, weight in _samples(doc):
        node = root
        us = weight * 1e6
        node["value_us"] += us
        for key in fold_stack(stack, function_sites):
            child = node["children"].get(key)
            if child is None:
                child = node["children"][key] = _node(*key)
            child["value_us"] += us
            node = child
    return root
