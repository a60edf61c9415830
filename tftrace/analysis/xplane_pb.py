"""XSpace protobuf messages, defined here from the public ``xplane.proto`` field numbers.

Importing TensorFlow's generated ``xplane_pb2`` pulls in all of TensorFlow (seconds);
these messages parse with the same C (upb) backend. ``_MESSAGES`` below is the
readable definition; ``SERIALIZED`` is the same FileDescriptorProto, serialized (as
protoc-generated modules embed theirs), so that loading skips ``descriptor_pb2``
(~10 ms). ``tests/unit/test_xplane_pb.py`` checks that the two agree.
"""

from __future__ import annotations

_PACKAGE = "tensorflow.profiler"


class _F:
    """FieldDescriptorProto's enum values (descriptor.proto), without importing descriptor_pb2."""

    TYPE_DOUBLE, TYPE_INT64, TYPE_UINT64, TYPE_STRING, TYPE_MESSAGE, TYPE_BYTES = 1, 3, 4, 9, 11, 12
    LABEL_OPTIONAL, LABEL_REPEATED = 1, 3


# (field name, number, type, label, message type name or None, oneof index or None)
_MESSAGES = {
    "XSpace": [
        ("planes", 1, _F.TYPE_MESSAGE, _F.LABEL_REPEATED, "XPlane", None),
        ("errors", 2, _F.TYPE_STRING, _F.LABEL_REPEATED, None, None),
        ("warnings", 3, _F.TYPE_STRING, _F.LABEL_REPEATED, None, None),
        ("hostnames", 4, _F.TYPE_STRING, _F.LABEL_REPEATED, None, None),
    ],
    "XPlane": [
        ("id", 1, _F.TYPE_INT64, _F.LABEL_OPTIONAL, None, None),
        ("name", 2, _F.TYPE_STRING, _F.LABEL_OPTIONAL, None, None),
        ("lines", 3, _F.TYPE_MESSAGE, _F.LABEL_REPEATED, "XLine", None),
        ("event_metadata", 4, _F.TYPE_MESSAGE, _F.LABEL_REPEATED, "XPlane.EventMetadataEntry", None),
        ("stat_metadata", 5, _F.TYPE_MESSAGE, _F.LABEL_REPEATED, "XPlane.StatMetadataEntry", None),
        ("stats", 6, _F.TYPE_MESSAGE, _F.LABEL_REPEATED, "XStat", None),
    ],
    "XLine": [
        ("id", 1, _F.TYPE_INT64, _F.LABEL_OPTIONAL, None, None),
        ("display_id", 10, _F.TYPE_INT64, _F.LABEL_OPTIONAL, None, None),
        ("name", 2, _F.TYPE_STRING, _F.LABEL_OPTIONAL, None, None),
        ("display_name", 11, _F.TYPE_STRING, _F.LABEL_OPTIONAL, None, None),
        ("timestamp_ns", 3, _F.TYPE_INT64, _F.LABEL_OPTIONAL, None, None),
        ("duration_ps", 9, _F.TYPE_INT64, _F.LABEL_OPTIONAL, None, None),
        ("events", 4, _F.TYPE_MESSAGE, _F.LABEL_REPEATED, "XEvent", None),
    ],
    # an XLine with its events left serialized: the lazy parse frames them in chunks (``xspace._chunks``)
    "XLineChunk": [
        ("id", 1, _F.TYPE_INT64, _F.LABEL_OPTIONAL, None, None),
        ("display_id", 10, _F.TYPE_INT64, _F.LABEL_OPTIONAL, None, None),
        ("name", 2, _F.TYPE_STRING, _F.LABEL_OPTIONAL, None, None),
        ("display_name", 11, _F.TYPE_STRING, _F.LABEL_OPTIONAL, None, None),
        ("timestamp_ns", 3, _F.TYPE_INT64, _F.LABEL_OPTIONAL, None, None),
        ("duration_ps", 9, _F.TYPE_INT64, _F.LABEL_OPTIONAL, None, None),
        ("events", 4, _F.TYPE_BYTES, _F.LABEL_REPEATED, None, None),
    ],
    "XEvent": [
        ("metadata_id", 1, _F.TYPE_INT64, _F.LABEL_OPTIONAL, None, None),
        ("offset_ps", 2, _F.TYPE_INT64, _F.LABEL_OPTIONAL, None, 0),
        ("num_occurrences", 5, _F.TYPE_INT64, _F.LABEL_OPTIONAL, None, 0),
        ("duration_ps", 3, _F.TYPE_INT64, _F.LABEL_OPTIONAL, None, None),
        ("stats", 4, _F.TYPE_MESSAGE, _F.LABEL_REPEATED, "XStat", None),
    ],
    "XStat": [
        ("metadata_id", 1, _F.TYPE_INT64, _F.LABEL_OPTIONAL, None, None),
        ("double_value", 2, _F.TYPE_DOUBLE, _F.LABEL_OPTIONAL, None, 0),
        ("uint64_value", 3, _F.TYPE_UINT64, _F.LABEL_OPTIONAL, None, 0),
        ("int64_value", 4, _F.TYPE_INT64, _F.LABEL_OPTIONAL, None, 0),
        ("str_value", 5, _F.TYPE_STRING, _F.LABEL_OPTIONAL, None, 0),
        ("bytes_value", 6, _F.TYPE_BYTES, _F.LABEL_OPTIONAL, None, 0),
        ("ref_value", 7, _F.TYPE_UINT64, _F.LABEL_OPTIONAL, None, 0),
    ],
    "XEventMetadata": [
        ("id", 1, _F.TYPE_INT64, _F.LABEL_OPTIONAL, None, None),
        ("name", 2, _F.TYPE_STRING, _F.LABEL_OPTIONAL, None, None),
        ("display_name", 4, _F.TYPE_STRING, _F.LABEL_OPTIONAL, None, None),
        ("metadata", 3, _F.TYPE_BYTES, _F.LABEL_OPTIONAL, None, None),
        ("stats", 5, _F.TYPE_MESSAGE, _F.LABEL_REPEATED, "XStat", None),
        ("child_id", 6, _F.TYPE_INT64, _F.LABEL_REPEATED, None, None),
    ],
    "XStatMetadata": [
        ("id", 1, _F.TYPE_INT64, _F.LABEL_OPTIONAL, None, None),
        ("name", 2, _F.TYPE_STRING, _F.LABEL_OPTIONAL, None, None),
        ("description", 3, _F.TYPE_STRING, _F.LABEL_OPTIONAL, None, None),
    ],
}
_ONEOFS = {"XEvent": ["data"], "XStat": ["value"]}
_MAP_ENTRIES = {"EventMetadataEntry": "XEventMetadata", "StatMetadataEntry": "XStatMetadata"}


def _add_fields(message, fields):
    for name, number, ftype, label, type_name, oneof in fields:
        field = message.field.add(name=name, number=number, type=ftype, label=label)
        if type_name:
            field.type_name = f".{_PACKAGE}.{type_name}"
        if oneof is not None:
            field.oneof_index = oneof


def _file_descriptor():
    """The FileDescriptorProto built from ``_MESSAGES`` (imports descriptor_pb2)."""
    from google.protobuf import descriptor_pb2

    proto = descriptor_pb2.FileDescriptorProto(
        name="tftrace/xplane.proto", package=_PACKAGE, syntax="proto3"
    )
    for name, fields in _MESSAGES.items():
        message = proto.message_type.add(name=name)
        _add_fields(message, fields)
        for oneof in _ONEOFS.get(name, []):
            message.oneof_decl.add(name=oneof)
        if name == "XPlane":
            for entry_name, value_type in _MAP_ENTRIES.items():
                entry = message.nested_type.add(name=entry_name)
                entry.options.map_entry = True
                _add_fields(entry, [
                    ("key", 1, _F.TYPE_INT64, _F.LABEL_OPTIONAL, None, None),
                    ("value", 2, _F.TYPE_MESSAGE, _F.LABEL_OPTIONAL, value_type, None),
                ])
    return proto


SERIALIZED = (
    b'\n\x14tftrace/xplane.proto\x12\x13tensorflow.profiler"j\n\x06XSpace\x12+\n\x06planes\x18\x01 '
    b'\x03(\x0b2\x1b.tensorflow.profiler.XPlane\x12\x0e\n\x06errors\x18\x02 \x03(\t\x12\x10\n\x08warn'
    b'ings\x18\x03 \x03(\t\x12\x11\n\thostnames\x18\x04 \x03(\t"\xba\x03\n\x06XPlane\x12\n\n\x02id'
    b'\x18\x01 \x01(\x03\x12\x0c\n\x04name\x18\x02 \x01(\t\x12)\n\x05lines\x18\x03 \x03(\x0b2\x1a.ten'
    b'sorflow.profiler.XLine\x12F\n\x0eevent_metadata\x18\x04 \x03(\x0b2..tensorflow.profiler.XPlane.'
    b'EventMetadataEntry\x12D\n\rstat_metadata\x18\x05 \x03(\x0b2-.tensorflow.profiler.XPlane.StatMet'
    b'adataEntry\x12)\n\x05stats\x18\x06 \x03(\x0b2\x1a.tensorflow.profiler.XStat\x1aY\n\x12EventMeta'
    b'dataEntry\x12\x0b\n\x03key\x18\x01 \x01(\x03\x122\n\x05value\x18\x02 \x01(\x0b2#.tensorflow.pro'
    b'filer.XEventMetadata:\x028\x01\x1aW\n\x11StatMetadataEntry\x12\x0b\n\x03key\x18\x01 \x01(\x03'
    b'\x121\n\x05value\x18\x02 \x01(\x0b2".tensorflow.profiler.XStatMetadata:\x028\x01"\xa3\x01\n\x05'
    b'XLine\x12\n\n\x02id\x18\x01 \x01(\x03\x12\x12\n\ndisplay_id\x18\n \x01(\x03\x12\x0c\n\x04name'
    b'\x18\x02 \x01(\t\x12\x14\n\x0cdisplay_name\x18\x0b \x01(\t\x12\x14\n\x0ctimestamp_ns\x18\x03 '
    b'\x01(\x03\x12\x13\n\x0bduration_ps\x18\t \x01(\x03\x12+\n\x06events\x18\x04 \x03(\x0b2\x1b.tens'
    b'orflow.profiler.XEvent"\x8b\x01\n\nXLineChunk\x12\n\n\x02id\x18\x01 \x01(\x03\x12\x12\n\ndispla'
    b'y_id\x18\n \x01(\x03\x12\x0c\n\x04name\x18\x02 \x01(\t\x12\x14\n\x0cdisplay_name\x18\x0b \x01('
    b'\t\x12\x14\n\x0ctimestamp_ns\x18\x03 \x01(\x03\x12\x13\n\x0bduration_ps\x18\t \x01(\x03\x12\x0e'
    b'\n\x06events\x18\x04 \x03(\x0c"\x95\x01\n\x06XEvent\x12\x13\n\x0bmetadata_id\x18\x01 \x01(\x03'
    b'\x12\x13\n\toffset_ps\x18\x02 \x01(\x03H\x00\x12\x19\n\x0fnum_occurrences\x18\x05 \x01(\x03H'
    b'\x00\x12\x13\n\x0bduration_ps\x18\x03 \x01(\x03\x12)\n\x05stats\x18\x04 \x03(\x0b2\x1a.tensorfl'
    b'ow.profiler.XStatB\x06\n\x04data"\xad\x01\n\x05XStat\x12\x13\n\x0bmetadata_id\x18\x01 \x01(\x03'
    b'\x12\x16\n\x0cdouble_value\x18\x02 \x01(\x01H\x00\x12\x16\n\x0cuint64_value\x18\x03 \x01(\x04H'
    b'\x00\x12\x15\n\x0bint64_value\x18\x04 \x01(\x03H\x00\x12\x13\n\tstr_value\x18\x05 \x01(\tH\x00'
    b'\x12\x15\n\x0bbytes_value\x18\x06 \x01(\x0cH\x00\x12\x13\n\tref_value\x18\x07 \x01(\x04H\x00B'
    b'\x07\n\x05value"\x8f\x01\n\x0eXEventMetadata\x12\n\n\x02id\x18\x01 \x01(\x03\x12\x0c\n\x04name'
    b'\x18\x02 \x01(\t\x12\x14\n\x0cdisplay_name\x18\x04 \x01(\t\x12\x10\n\x08metadata\x18\x03 \x01('
    b'\x0c\x12)\n\x05stats\x18\x05 \x03(\x0b2\x1a.tensorflow.profiler.XStat\x12\x10\n\x08child_id\x18'
    b'\x06 \x03(\x03">\n\rXStatMetadata\x12\n\n\x02id\x18\x01 \x01(\x03\x12\x0c\n\x04name\x18\x02 '
    b'\x01(\t\x12\x13\n\x0bdescription\x18\x03 \x01(\tb\x06proto3'
)


def _build() -> dict:
    """Message classes by name: straight from the upb backend when it is the one in use
    (``descriptor_pool`` and ``message_factory`` add ~20 ms of imports that this path
    never needs), else through the public factory."""
    from google.protobuf.internal import api_implementation

    if api_implementation.Type() == "upb":
        try:
            return _build_upb()
        except (ImportError, AttributeError, TypeError):  # a protobuf that moved its internals
            pass
    from google.protobuf import descriptor_pool, message_factory

    pool = descriptor_pool.DescriptorPool()
    pool.AddSerializedFile(SERIALIZED)
    return {name: message_factory.GetMessageClass(pool.FindMessageTypeByName(f"{_PACKAGE}.{name}"))
            for name in _MESSAGES}


def _build_upb() -> dict:
    from google._upb import _message as upb
    from google.protobuf.message import Message

    pool = upb.DescriptorPool()
    pool.AddSerializedFile(SERIALIZED)
    return {name: upb.MessageMeta(name, (Message,), {"DESCRIPTOR": pool.FindMessageTypeByName(f"{_PACKAGE}.{name}"),
                                                    "__module__": __name__})
            for name in _MESSAGES}


_CLASSES = _build()
XSpace = _CLASSES["XSpace"]
XPlane = _CLASSES["XPlane"]
XLine = _CLASSES["XLine"]
XEvent = _CLASSES["XEvent"]
XStat = _CLASSES["XStat"]
XEventMetadata = _CLASSES["XEventMetadata"]
XLineChunk = _CLASSES["XLineChunk"]
XStatMetadata = _CLASSES["XStatMetadata"]
