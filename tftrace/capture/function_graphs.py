"""Graphs of the tf.functions a trace called, read from their traced FuncGraphs.

RunMetadata only hands out a function's graphs when TensorFlow instantiates it, so a
function traced before the trace started (a Keras model warmed up with ``fit``) would
have none. Every called function's concrete functions are already traced, so their
FuncGraphs are read once, after the profiler has stopped: no retrace, nothing per call.
Nested function calls (``StatefulPartitionedCall`` of another FuncGraph) are inlined,
as TensorFlow's runtime inlines them. Each node carries the Python line that created
it (the innermost user frame of its creation stack) and its Keras layer where one can
be told from the name scopes.
"""

from __future__ import annotations

import re

from ..analysis.names import strip_call_prefix
from ..paths import is_library

_USER_FILES: dict = {}  # file -> is it the user's (the answer never changes within a process)
_CALL_OPS = {"StatefulPartitionedCall", "PartitionedCall"}
_NUMBERED = re.compile(r"^(.*?)(_\d+)?$")
_GRADIENT_SCOPE = "gradient_tape/"


def add_called_function_graphs(records: list[dict], graphs: list[dict]) -> None:
    """Complete ``graphs`` (RunMetadata's {function, pre, post, partitions}): a graph read
    from the FuncGraphs for each called function without one, and every node's creation
    site and Keras layer for those with one."""
    collected = {g["function"]: g for g in graphs}
    for record in records:
        function = record.get("_function")
        if function is None or not record["calls"]:
            continue
        nodes = function_nodes(function)
        if not nodes:
            continue
        graph = collected.get(record["name"])
        if graph is None:
            graphs.append({"function": record["name"], "pre": nodes, "post": [], "partitions": [nodes],
                           "origin": "func_graph"})
        else:
            _annotate(graph, nodes)


def function_nodes(function) -> list[dict]:
    layers = LayerScopes(find_layers(getattr(function, "python_function", None)))
    nodes: list = []
    seen: set = set()
    for graph in _concrete_graphs(function):
        nodes += graph_nodes(graph, layers, seen)
    return nodes


def _annotate(graph: dict, nodes: list[dict]) -> None:
    """Creation sites and layers onto RunMetadata's nodes of the same (call-prefix-free) name."""
    by_name = {n["name"]: n for n in nodes}
    for part in graph.get("partitions", []) + [graph.get("pre", [])]:
        for node in part:
            found = by_name.get(strip_call_prefix(node["name"]))
            if found is not None:
                node["source"] = found["source"]
                if "layer" in found:
                    node["layer"] = found["layer"]


def _concrete_graphs(function) -> list:
    try:
        concretes = function._list_all_concrete_functions()
    except Exception:  # noqa: BLE001 - a private API: no graph rather than a failed trace
        return []
    return [c.graph for c in concretes if getattr(c, "graph", None) is not None]


def graph_nodes(graph, layers: "LayerScopes | None" = None, seen: set | None = None) -> list[dict]:
    """The graph's nodes, nested function calls inlined (their nodes keep their own names)."""
    seen = set() if seen is None else seen
    nested = getattr(graph, "_functions", {})
    out = []
    for op in graph.get_operations():
        callee = _callee(op, nested)
        if callee is not None:
            out += graph_nodes(callee, layers, seen)
            continue
        node = op_node(op, layers)
        if node["name"] in seen:
            continue
        seen.add(node["name"])
        out.append(node)
    return out


def _callee(op, nested: dict):
    if op.type not in _CALL_OPS:
        return None
    try:
        name = op.get_attr("f").name
    except (ValueError, AttributeError):
        return None
    function = nested.get(name)
    return getattr(function, "graph", None)


def op_node(op, layers: "LayerScopes | None" = None) -> dict:
    outputs = list(op.outputs)
    node = {"name": op.name, "op": op.type, "device": op.device, "placement": "requested" if op.device else "",
            "inputs": [t.op.name for t in op.inputs] + [f"^{c.name}" for c in op.control_inputs],
            "dtype": outputs[0].dtype.name if outputs else "",
            "shapes": [_shape(t) for t in outputs], "source": creation_site(op, _USER_FILES)}
    layer = layers.layer_of(op.name) if layers is not None else None
    if layer:
        node["layer"] = layer
    return node


def _shape(tensor) -> str:
    shape = tensor.shape
    if shape.rank is None:
        return "[?]"
    return "[" + ",".join("?" if d is None else str(d) for d in shape.as_list()) + "]"


def creation_site(op, user_files: dict | None = None) -> dict:
    """The innermost user frame of the op's creation stack ({} if none), autograph already mapped back.
    ``user_files`` memoises which files are the user's (stacks are ~60 frames of a few files)."""
    try:
        frames = op.traceback
        # TensorFlow's own frames filtered out in C++ first (a third of the stack, read at C speed)
        frames = frames.get_user_frames() if hasattr(frames, "get_user_frames") else frames
    except Exception:  # noqa: BLE001 - no creation stack recorded
        return {}
    memo = {} if user_files is None else user_files
    for i in range(len(frames) - 1, -1, -1):
        frame = frames[i]
        file = frame.filename
        user = memo.get(file)
        if user is None:
            user = memo[file] = not is_library(file) and "__autograph_generated" not in file
        if user:
            return {"file": file, "line": frame.lineno}
    return {}


def find_layers(python_function, depth: int = 3) -> list:
    """Keras layers the function reaches: its closure, bound object and module globals."""
    found: dict = {}

    def visit(obj, level):
        if obj is None or level > depth:
            return
        if hasattr(obj, "_flatten_layers"):
            for layer in obj._flatten_layers(include_self=True, recursive=True):
                found.setdefault(id(layer), layer)
            return
        if callable(obj) and hasattr(obj, "__code__"):
            for cell in obj.__closure__ or ():
                try:
                    visit(cell.cell_contents, level + 1)
                except ValueError:  # an empty cell
                    continue
        visit(getattr(obj, "__self__", None), level + 1)

    visit(python_function, 0)
    for value in list(getattr(python_function, "__globals__", {}).values()):
        if hasattr(value, "_flatten_layers") and not isinstance(value, type):
            visit(value, 0)
    return list(found.values())


class LayerScopes:
    """Name scope -> Keras layer. Scopes are layer names made unique by the graph
    (``dense`` may become ``dense_1``), so each scope, in op creation order, goes to
    the next layer (in model order) whose name it is, with or without a ``_N`` suffix."""

    def __init__(self, layers: list):
        self.layers = layers
        self.scopes: dict = {}
        self._taken: set = set()

    def layer_of(self, op_name: str) -> dict | None:
        if not self.layers:
            return None
        gradient = op_name.startswith(_GRADIENT_SCOPE)
        parts = op_name[len(_GRADIENT_SCOPE):].split("/")[:-1] if gradient else op_name.split("/")[:-1]
        found = None
        for depth in range(1, len(parts) + 1):
            layer = self._scope(tuple(parts[:depth]), assign=not gradient)
            if layer is not None:
                found = layer
        if found is None:
            return None
        return {"name": found.name, "class": type(found).__name__}

    def _scope(self, path: tuple, assign: bool):
        if path in self.scopes or not assign:
            return self.scopes.get(path)
        scope = path[-1]
        base = _NUMBERED.match(scope).group(1)
        for layer in self.layers:
            if id(layer) in self._taken:
                continue
            if layer.name in (scope, base):
                self._taken.add(id(layer))
                self.scopes[path] = layer
                return layer
        self.scopes[path] = None
        return None
