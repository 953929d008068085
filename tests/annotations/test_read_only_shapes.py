"""Read-only shapes imported from DICOM: validated, saved only when present, old files still load."""

from __future__ import annotations

import pytest

from takehome.annotations.errors import AnnotationError
from takehome.annotations.model import KeyImage, Point, ReadOnlyShape, Session

UID = "1.2.3.4"


def test_a_session_with_read_only_shapes_round_trips() -> None:
    shape = ReadOnlyShape("INTERPOLATED", (Point(1, 2), Point(3, 4), Point(5, 1)), "curve", "#00ff00")
    image = KeyImage(UID, "a.dcm", 10, 10, read_only_shapes=(shape,))
    data = Session(key_images=(image,)).to_dict()
    assert data["key_images"][0]["read_only_shapes"][0]["graphic_type"] == "INTERPOLATED"
    assert Session.from_dict(data) == Session(key_images=(image,))


def test_without_shapes_the_json_is_unchanged_and_old_files_load() -> None:
    image = KeyImage(UID, "a.dcm", 10, 10)
    data = Session(key_images=(image,)).to_dict()
    assert "read_only_shapes" not in data["key_images"][0]
    assert Session.from_dict(data).key_images[0].read_only_shapes == ()


@pytest.mark.parametrize(("shape", "message"), [
    ({"graphic_type": "SPLINE", "points": [[1, 1]]}, "unknown DICOM graphic type"),
    ({"graphic_type": "POINT", "points": []}, "at least one point"),
    ({"graphic_type": "POINT", "points": [[1, 1]], "color": "red"}, "#rrggbb"),
])
def test_bad_shapes_name_the_field(shape: dict[str, object], message: str) -> None:
    data = Session(key_images=(KeyImage(UID, "a.dcm", 10, 10),)).to_dict()
    data["key_images"][0]["read_only_shapes"] = [shape]
    with pytest.raises(AnnotationError, match=message) as info:
        Session.from_dict(data)
    assert "key_images[0].read_only_shapes[0]" in str(info.value)
