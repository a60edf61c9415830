"""Match the names of two runs despite TensorFlow's and Keras' automatic numbering.

A model built again in the same process gets new names: ``sequential_1/dense_1_2/MatMul``
in one run is ``sequential_2_1/dense_7_1/MatMul`` in the next; a tf.function's graph is
``__inference_train_step_123`` one time and ``..._456`` the next. So each name is read as
a path of scopes, and every scope's numeric suffixes are replaced by its rank among the
siblings of the same base name (under the same normalised parent), in numeric order: the
k-th ``dense`` layer of a model matches the k-th ``dense`` layer of the other, whatever
numbers the process gave them.
"""

from __future__ import annotations

import re

_SUFFIXES = re.compile(r"^(.*?[^_\d])((?:_\d+)*)$")
_GRAPH_PREFIXES = ("__inference_", "__forward_", "__backward_")


def _split(component: str) -> tuple[str, tuple]:
    """``dense_1_2`` -> ("dense", (1, 2)); a component with no base is its own base."""
    m = _SUFFIXES.match(component)
    if not m:
        return component, ()
    return m.group(1), tuple(int(n) for n in m.group(2).split("_")[1:])


def _ungraphed(name: str) -> str:
    """``__inference_train_step_123`` -> ``train_step`` (the Python function's name)."""
    for prefix in _GRAPH_PREFIXES:
        if name.startswith(prefix):
            base, _, number = name[len(prefix):].rpartition("_")
            return base if base and number.isdigit() else name[len(prefix):]
    return name


def normalised(names) -> dict:
    """{name: its numbering-free key} for all the names of one run (ranks need them all)."""
    paths = {name: [_split(c) for c in _ungraphed(name).split("/")] for name in names}
    siblings: dict = {}
    for parts in paths.values():
        parent = ""
        for base, suffix in parts:
            siblings.setdefault((parent, base), set()).add(suffix)
            parent = f"{parent}/{base}"
    ranks = {group: {s: r for r, s in enumerate(sorted(found))} for group, found in siblings.items()}
    out = {}
    for name, parts in paths.items():
        parent, key = "", []
        for base, suffix in parts:
            rank = ranks[(parent, base)][suffix]
            key.append(f"{base}#{rank}" if rank else base)
            parent = f"{parent}/{base}"
        out[name] = "/".join(key)
    return out


def pair(a_names, b_names) -> tuple[list, list, list]:
    """([(a name, b name)], [only in a], [only in b]): matched on ``normalised`` keys first, then
    what is left on exact names (a scope that gained a sibling in one run shifts the ranks)."""
    a_keys, b_keys = normalised(a_names), normalised(b_names)
    b_by_key = {key: name for name, key in b_keys.items()}
    pairs = {a: b_by_key[key] for a, key in a_keys.items() if key in b_by_key}
    left_b = set(b_keys) - set(pairs.values())
    for a in a_keys:
        if a not in pairs and a in left_b:
            pairs[a] = a
            left_b.discard(a)
    gone = [a for a in a_keys if a not in pairs]
    new = [b for b in b_keys if b in left_b]
    return list(pairs.items()), gone, new
