"""Export the flame tree to speedscope's file format (https://www.speedscope.app/file-format-schema.json).

The tree is the one the flame view draws: a live trace's merged tree (sampled Python
frames over measured tf.function calls, ops and remainders, ``analysis/flame.py``), else
device -> op type -> op -> kernel (``payload.ops_tree``). It becomes one "sampled"
profile in microseconds with one weighted sample per node that has time of its own
(its value less its children's): speedscope adds the samples back up into the same tree,
so every frame's total is its node's value. Frames are shared by (name, file, line).
"""

from __future__ import annotations

import json

SCHEMA_URL = "https://www.speedscope.app/file-format-schema.json"


def flame_tree(profile) -> dict:
    """The tree the flame view shows for ``profile``."""
    if profile.flame:
        return profile.flame
    from ..payload import ops_tree

    return ops_tree(profile)


class _Frames:
    """speedscope's shared frame table: one entry per (name, file, line)."""

    def __init__(self):
        self.frames: list[dict] = []
        self.index: dict = {}

    def id(self, node: dict) -> int:
        key = (node["name"], node.get("file") or "", int(node.get("line") or 0))
        found = self.index.get(key)
        if found is None:
            frame = {"name": node["name"]}
            if key[1]:
                frame["file"] = key[1]
            if key[2]:
                frame["line"] = key[2]
            found = self.index[key] = len(self.frames)
            self.frames.append(frame)
        return found


def samples(tree: dict, frames: _Frames) -> tuple[list, list]:
    """(stacks, weights): one stack per node with self time, root excluded, depth first."""
    stacks, weights = [], []
    todo = [(child, ()) for child in reversed(tree.get("children") or [])]
    while todo:
        node, parent = todo.pop()
        stack = (*parent, frames.id(node))
        children = node.get("children") or []
        own = float(node["value_us"]) - sum(float(c["value_us"]) for c in children)
        if own > 1e-9:
            stacks.append(list(stack))
            weights.append(round(own, 3))
        todo.extend((child, stack) for child in reversed(children))
    return stacks, weights


def document(profile) -> dict:
    """The speedscope file as a dict."""
    from .. import __version__

    frames = _Frames()
    stacks, weights = samples(flame_tree(profile), frames)
    name = profile.name or profile.source or "tftrace profile"
    return {
        "$schema": SCHEMA_URL,
        "name": name,
        "exporter": f"tftrace@{__version__}",
        "activeProfileIndex": 0,
        "shared": {"frames": frames.frames},
        "profiles": [{"type": "sampled", "name": f"{name} ({'Python + TensorFlow' if profile.flame else 'ops'})",
                      "unit": "microseconds", "startValue": 0, "endValue": round(sum(weights), 3),
                      "samples": stacks, "weights": weights}],
    }


def export(profile, path) -> str:
    """Write the speedscope file at ``path``; returns the path."""
    from ..outputs import write_output

    text = json.dumps(document(profile), ensure_ascii=False, separators=(",", ":"))
    return write_output(path, lambda f: f.write(text.encode("utf-8")))
