"""The embedded serialized descriptor is exactly the readable field table."""

from tftrace.analysis import xplane_pb


def test_serialized_descriptor_matches_the_field_table():
    assert xplane_pb._file_descriptor().SerializeToString() == xplane_pb.SERIALIZED


def test_field_numbers_of_the_public_proto():
    event = xplane_pb.XEvent.DESCRIPTOR.fields_by_name
    assert {n: f.number for n, f in event.items()} == {"metadata_id": 1, "offset_ps": 2, "num_occurrences": 5,
                                                      "duration_ps": 3, "stats": 4}
    stat = xplane_pb.XStat.DESCRIPTOR.fields_by_name
    assert stat["ref_value"].number == 7 and stat["str_value"].number == 5
    assert xplane_pb.XLine.DESCRIPTOR.fields_by_name["display_name"].number == 11
