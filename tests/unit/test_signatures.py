"""Retrace causes from argument signatures (pure Python: tensors faked by shape/dtype)."""

from types import SimpleNamespace

from tftrace.capture import signatures


def tensor(*shape, dtype="float32"):
    return SimpleNamespace(shape=shape, dtype=SimpleNamespace(name=dtype))


def step(x, lr=0.1, cfg=None):
    return x


def sig(*args, **kwargs):
    return signatures.signature(step, args, kwargs)


def test_shape_change_names_both_shapes_and_suggests_input_signature():
    cause = signatures.explain(sig(tensor(16)), [sig(tensor(4)), sig(tensor(8))])
    assert cause["reason"] == "x: shape (8,) -> (16,)"
    assert "input_signature" in cause["fix"] and "reduce_retracing" in cause["fix"]


def test_python_value_dtype_and_object_changes():
    assert signatures.explain(sig(tensor(4), lr=0.2), [sig(tensor(4), lr=0.1)])["reason"] == \
        "lr: Python value 0.1 -> 0.2"
    assert signatures.explain(sig(tensor(4, dtype="int32")), [sig(tensor(4))])["kinds"] == ["dtype"]
    old, new = object(), object()
    cause = signatures.explain(sig(tensor(4), cfg=new), [sig(tensor(4), cfg=old)])
    assert cause["kinds"] == ["object"] and "identity" in cause["reason"]


def test_nested_structures_have_paths():
    rendered = signatures.render(sig([tensor(2, 3), {"k": 5}]))
    assert rendered == "x[0]: float32[2,3], x[1]['k']: 5"


def test_identical_signature_is_explained_too():
    assert signatures.explain(sig(tensor(4)), [sig(tensor(4))])["kinds"] == ["same"]
