"""Describe a tf.function call's arguments and explain why a call retraced.

A signature is a flat {path: description} of every argument leaf: tensors by shape
and dtype, Python scalars by value, other objects by type and identity. The cause of
a retrace is the difference to the closest signature traced before it, with the fix
TensorFlow's own guide suggests for that kind of change.
"""

from __future__ import annotations

import inspect

_SCALARS = (bool, int, float, str, bytes, type(None))
_MAX_LEAVES = 64


def _leaf(value):
    shape = getattr(value, "shape", None)
    dtype = getattr(value, "dtype", None)
    if shape is not None and dtype is not None and hasattr(shape, "__iter__"):
        dims = tuple(None if d is None else int(d) for d in shape)
        kind = "variable" if type(value).__name__.endswith("Variable") else "tensor"
        return (kind, dims, getattr(dtype, "name", str(dtype)))
    if isinstance(value, _SCALARS):
        return ("python", repr(value)[:80])
    return ("object", type(value).__name__, id(value))


def _walk(path: str, value, out: dict) -> None:
    if len(out) >= _MAX_LEAVES:
        return
    if isinstance(value, (list, tuple)) and not hasattr(value, "shape"):
        for i, item in enumerate(value):
            _walk(f"{path}[{i}]", item, out)
    elif isinstance(value, dict):
        for key in sorted(value, key=repr):
            _walk(f"{path}[{key!r}]", value[key], out)
    else:
        out[path] = _leaf(value)


def signature(python_function, args: tuple, kwargs: dict) -> dict:
    """{argument path: leaf description} for one call."""
    try:
        bound = inspect.signature(python_function).bind_partial(*args, **kwargs).arguments
    except (TypeError, ValueError):
        bound = {**{f"arg{i}": a for i, a in enumerate(args)}, **kwargs}
    out: dict = {}
    for name, value in bound.items():
        _walk(name, value, out)
    return out


def render_leaf(leaf) -> str:
    if leaf[0] in ("tensor", "variable"):
        dims = ",".join("?" if d is None else str(d) for d in leaf[1])
        return f"{leaf[2]}[{dims}]" + (" variable" if leaf[0] == "variable" else "")
    if leaf[0] == "python":
        return leaf[1]
    return f"<{leaf[1]} object>"


def render(sig: dict) -> str:
    return ", ".join(f"{path}: {render_leaf(leaf)}" for path, leaf in sig.items())


def _shape(dims: tuple) -> str:
    return "(" + ", ".join("None" if d is None else str(d) for d in dims) + ("," if len(dims) == 1 else "") + ")"


def _change(path: str, old, new) -> tuple[str, str]:
    """(reason, kind) for one argument leaf that differs."""
    if old is None:
        return f"{path}: new argument ({render_leaf(new)})", "arguments"
    if new is None:
        return f"{path}: argument no longer passed", "arguments"
    if old[0] in ("tensor", "variable") and new[0] in ("tensor", "variable"):
        if old[2] != new[2]:
            return f"{path}: dtype {old[2]} -> {new[2]}", "dtype"
        return f"{path}: shape {_shape(old[1])} -> {_shape(new[1])}", "shape"
    if old[0] == "python" and new[0] == "python":
        return f"{path}: Python value {old[1]} -> {new[1]}", "python"
    if old[0] == "object" and new[0] == "object" and old[1] == new[1]:
        return f"{path}: a new {new[1]} object (tf.function keys Python objects by identity)", "object"
    return f"{path}: {render_leaf(old)} -> {render_leaf(new)}", "kind"


_FIXES = {
    "shape": "give the function an input_signature with None for the changing dimension "
             "(tf.TensorSpec(shape=[None, ...])) or use tf.function(reduce_retracing=True)",
    "dtype": "cast the argument to one dtype before calling the function",
    "python": "pass the value as a tensor (tf.constant) so it is not part of the trace key",
    "object": "reuse one object across calls, or pass its tensors instead of the object",
    "arguments": "call the function with the same arguments every time",
    "kind": "pass the same kind of value (tensor or Python value) on every call",
}


def explain(new: dict, traced: list[dict]) -> dict:
    """{reason, fix, kinds} for a retrace, against the closest earlier traced signature."""
    def distance(old):
        return sum(old.get(p) != new.get(p) for p in set(old) | set(new))

    # the closest earlier signature; among equals the most recent one
    closest = min(reversed(traced), key=distance) if traced else {}
    changes = [_change(p, closest.get(p), new.get(p))
               for p in list(closest) + [p for p in new if p not in closest] if closest.get(p) != new.get(p)]
    if not changes:
        return {"reason": "traced again with an identical signature (e.g. a new tf.function "
                          "object, or captured state changed)", "fix": "create the tf.function once and reuse it",
                "kinds": ["same"]}
    kinds = list(dict.fromkeys(kind for _, kind in changes))
    return {"reason": "; ".join(reason for reason, _ in changes), "fix": "; ".join(_FIXES[k] for k in kinds),
            "kinds": kinds}
