"""The graphs TensorFlow actually ran, from RunMetadata, with each node's device.

Run metadata is enabled around each eager tf.function call only (eager ops outside
would add one tiny graph each); after a call that traced, the collected function
graphs are exported and attributed to the function just called. Graphs become plain dicts: {function, pre, post, partitions}, each a
list of nodes {name, op, device, inputs}.
"""

from __future__ import annotations

import re


_DTYPE_ATTRS = ("T", "dtype", "out_type", "DstT")
_COPY_ATTRS = ("send_device", "recv_device", "tensor_name")


def _dtype(node) -> str:
    from tensorflow.python.framework import dtypes

    for key in _DTYPE_ATTRS:
        if key in node.attr and node.attr[key].type:
            try:
                return dtypes.as_dtype(node.attr[key].type).name
            except TypeError:
                return ""
    return ""


def _shapes(node) -> list[str]:
    if "_output_shapes" not in node.attr:
        return []
    out = []
    for shape in node.attr["_output_shapes"].list.shape:
        dims = "?" if shape.unknown_rank else ",".join("?" if d.size < 0 else str(d.size) for d in shape.dim)
        out.append(f"[{dims}]")
    return out


def _node(n) -> dict:
    node = {"name": n.name, "op": n.op, "device": n.device, "inputs": list(n.input), "dtype": _dtype(n),
            "shapes": _shapes(n)}
    for key in _COPY_ATTRS:  # _Send / _Recv: which devices a tensor crosses between
        if key in n.attr:
            node[key] = n.attr[key].s.decode("utf-8", "replace")
    return node


def _nodes(graph_def) -> list[dict]:
    return [_node(n) for n in graph_def.node]


def _takes(function_graph, params: tuple) -> bool:
    """Whether a function graph's arguments are named after ``params`` (x, x_1, ...)."""
    args = {re.sub(r"_\d+$", "", n.name) for n in function_graph.pre_optimization_graph.node if n.op == "_Arg"}
    return bool(params) and bool(args) and args <= set(params)


class GraphCollector:
    def __init__(self):
        from tensorflow.python.eager import context

        self.context = context.context()
        self.graphs: list[dict] = []
        self.flush()

    def flush(self) -> None:
        """Drop what earlier run-metadata sessions left behind: disabling run metadata
        does not clear it, and the next export would return it."""
        self.context.enable_run_metadata()
        self.context.export_run_metadata()
        self.context.disable_run_metadata()

    def start(self) -> None:
        self.context.enable_run_metadata()

    def finish_call(self, function_name: str, traced: bool, params: tuple = ()) -> None:
        if traced:
            self.collect(function_name, params)
        self.context.disable_run_metadata()

    def collect(self, function_name: str = "", params: tuple = ()) -> None:
        """Export what run metadata gathered during one call and keep the function's graph.

        Besides the function itself, a call may instantiate small graphs of eager ops
        (variable creation under init_scope while tracing, lazily instantiated eager
        kernels). The function's graph is the one whose arguments carry the Python
        function's parameter names, the largest of those (else the largest of all).
        """
        metadata = self.context.export_run_metadata()
        if metadata is None or not metadata.function_graphs:
            return
        candidates = [g for g in metadata.function_graphs if _takes(g, params)] or list(metadata.function_graphs)
        fg = max(candidates, key=lambda g: sum(len(p.node) for p in g.partition_graphs))
        self.graphs.append({
            "function": function_name,
            "pre": _nodes(fg.pre_optimization_graph),
            "post": _nodes(fg.post_optimization_graph),
            "partitions": [_nodes(pg) for pg in fg.partition_graphs],
        })

    def stop(self) -> None:
        self.context.disable_run_metadata()
