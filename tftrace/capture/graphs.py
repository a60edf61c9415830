"""The graphs TensorFlow actually ran, from RunMetadata, with each node's device.

Run metadata is enabled around each eager tf.function call only (eager ops outside
would add one tiny graph each); after a call that traced, the collected function
graphs are exported and attributed to the function just called. Graphs become plain dicts: {function, pre, post, partitions}, each a
list of nodes {name, op, device, inputs}.
"""

from __future__ import annotations


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


class GraphCollector:
    def __init__(self):
        from tensorflow.python.eager import context

        self.context = context.context()
        self.graphs: list[dict] = []

    def start(self) -> None:
        self.context.enable_run_metadata()

    def finish_call(self, function_name: str, traced: bool) -> None:
        if traced:
            self.collect(function_name)
        self.context.disable_run_metadata()

    def collect(self, function_name: str = "") -> None:
        """Export what run metadata gathered during one call and keep the function's graph.

        Besides the function itself, a first call may instantiate one tiny graph per
        eager op it ran while tracing (variable creation under init_scope); the
        function's graph is the largest of the batch.
        """
        metadata = self.context.export_run_metadata()
        if metadata is None or not metadata.function_graphs:
            return
        fg = max(metadata.function_graphs, key=lambda g: sum(len(p.node) for p in g.partition_graphs))
        self.graphs.append({
            "function": function_name,
            "pre": _nodes(fg.pre_optimization_graph),
            "post": _nodes(fg.post_optimization_graph),
            "partitions": [_nodes(pg) for pg in fg.partition_graphs],
        })

    def stop(self) -> None:
        self.context.disable_run_metadata()
