"""Classify trace event names the way TensorFlow's profiler names them.

An executor event is ``<op name>:<op type>``; tf.data iterators are ``Iterator::...``;
GPU copies are ``MemcpyHToD`` and friends; GPU kernel annotations add
``#key=value,...#`` and join nested annotations with ``::``. These rules mirror
XProf's ``ParseTfOpFullname`` so that our op names match its "Operation Name".
"""

from __future__ import annotations

import re
from collections import namedtuple
from functools import lru_cache

TENSORFLOW = "tensorflow"
DATASET = "dataset"
MEMCPY = "memcpy"
UNKNOWN = "unknown"

_OP_NAME = re.compile(r"[A-Za-z0-9.][A-Za-z0-9_./>\\-]*")
_OP_TYPE = re.compile(r"[A-Z_][a-zA-Z0-9_]*")
_JAX_TYPE = re.compile(r"[a-z_][a-z0-9_]*(\[.*\])?")
_MEMCPY = {"memcpyhtod": "MemcpyHToD", "memcpydtoh": "MemcpyDToH",
           "memcpydtod": "MemcpyDToD", "memcpyhtoh": "MemcpyHToH"}
_FUNCTION_PREFIXES = ("__inference_", "__forward_", "__backward_")
EAGER_PREFIX = "EagerLocalExecute: "


# (category, op name, op type), all str. collections' namedtuple: importing typing for
# NamedTuple would cost ~2 ms of every ``tftrace stats`` run.
TfOp = namedtuple("TfOp", "category name type")


def _derive_type(name: str) -> str:
    last = name.rsplit("/", 1)[-1]
    base, _, suffix = last.rpartition("_")
    return base if base and suffix.isdigit() else last


@lru_cache(maxsize=65536)
def parse_tf_op(fullname: str) -> TfOp:
    """Split an event name into (category, op name, op type)."""
    head, sep, tail = fullname.partition(":")
    if not sep:
        memcpy = _MEMCPY.get(fullname[:10].lower())
        if memcpy:
            return TfOp(MEMCPY, fullname, memcpy)
        return TfOp(UNKNOWN, fullname, "")
    if head == "Iterator":
        return TfOp(DATASET, fullname, "Dataset")
    if _OP_NAME.fullmatch(head) and _OP_TYPE.fullmatch(tail):
        return TfOp(TENSORFLOW, head, tail)
    derived = tail or _derive_type(head)
    if _JAX_TYPE.fullmatch(derived):
        return TfOp("jax", head, derived.split("[", 1)[0])
    if not tail:
        return TfOp(TENSORFLOW, head, derived)
    return TfOp(UNKNOWN, fullname, "")


@lru_cache(maxsize=16384)
def strip_annotation(annotation: str) -> str:
    """The innermost TF op of a GPU kernel annotation, without its ``#...#`` arguments.

    ``outer::scope/MatMul:MatMul#shape=(...)#`` -> ``scope/MatMul:MatMul``.
    """
    parts = [p.split("#", 1)[0] for p in annotation.split("::")]
    for part in reversed(parts):
        if part and parse_tf_op(part).category == TENSORFLOW:
            return part
    return ""


def eager_op_type(event_name: str) -> str | None:
    """The op type of an ``EagerLocalExecute: <type>`` event, None for function calls."""
    if not event_name.startswith(EAGER_PREFIX):
        return None
    op_type = event_name[len(EAGER_PREFIX):].strip()
    if not op_type or op_type.startswith(_FUNCTION_PREFIXES):
        return None
    return op_type


_CALL_PREFIX = re.compile(r"^((Stateful)?PartitionedCall(_\d+)?/)+")


def strip_call_prefix(op_name: str) -> str:
    """``StatefulPartitionedCall/PartitionedCall_1/dense/MatMul`` -> ``dense/MatMul``: the name an op
    has in its function's graph, without the call ops the runtime inlined it through."""
    return _CALL_PREFIX.sub("", op_name, count=1)
