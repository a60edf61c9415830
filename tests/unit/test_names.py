"""Event-name classification (XProf's ParseTfOpFullname rules) and kernel annotations."""

import pytest

from tftrace.analysis import names


@pytest.mark.parametrize("fullname, expected", [
    ("dense/MatMul:MatMul", ("tensorflow", "dense/MatMul", "MatMul")),
    ("StatefulPartitionedCall/adam/Mul_3:Mul", ("tensorflow", "StatefulPartitionedCall/adam/Mul_3", "Mul")),
    ("Iterator::Root::Prefetch", ("dataset", "Iterator::Root::Prefetch", "Dataset")),
    ("MemcpyHToD", ("memcpy", "MemcpyHToD", "MemcpyHToD")),
    ("ExecutorState::Process", ("unknown", "ExecutorState::Process", "")),
    ("EagerLocalExecute: MatMul", ("unknown", "EagerLocalExecute: MatMul", "")),
    ("ThreadpoolListener::Record", ("unknown", "ThreadpoolListener::Record", "")),
    ("scope/MatMul_1:", ("tensorflow", "scope/MatMul_1", "MatMul")),
    ("scope/add_1:", ("jax", "scope/add_1", "add")),
])
def test_parse_tf_op(fullname, expected):
    assert tuple(names.parse_tf_op(fullname)) == expected


def test_strip_annotation_keeps_innermost_op_without_arguments():
    annotation = "outer_fn:outer_fn::replica_4/x/RandomUniform:RandomUniform#shape=(int32[3])#"
    assert names.strip_annotation(annotation) == "replica_4/x/RandomUniform:RandomUniform"
    assert names.strip_annotation("MakeTensorFromProto") == ""
    assert names.strip_annotation("#edge_name=ret_0#") == ""


def test_eager_op_type_skips_function_calls():
    assert names.eager_op_type("EagerLocalExecute: MatMul") == "MatMul"
    assert names.eager_op_type("EagerLocalExecute: __inference_step_12") is None
    assert names.eager_op_type("EagerExecute") is None
