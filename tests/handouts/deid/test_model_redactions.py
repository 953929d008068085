"""Redaction boxes and text overrides in the session model: validated, saved, old files still load."""

from __future__ import annotations

import pytest

from takehome.annotations.errors import AnnotationError
from takehome.annotations.model import (
    KeyImage,
    Redaction,
    RedactionSource,
    RedactionStatus,
    Session,
)

UID = "1.2.826.0.1.3680043.8.498.1"


def test_round_trip_and_defaults() -> None:
    box = Redaction(10, 5, 40, 12, status="dismissed", source="ocr", reason="technical text")
    assert box.status is RedactionStatus.DISMISSED and box.source is RedactionSource.OCR
    image = KeyImage(UID, "a.dcm", 64, 80, redactions=(box,))
    session = Session(key_images=(image,), text_overrides=("Parkinson",))
    assert Session.from_dict(session.to_dict()) == session
    manual = Redaction(0, 0, 1, 1)
    assert (manual.status, manual.source) == (RedactionStatus.REDACT, RedactionSource.MANUAL)


def test_old_files_without_the_fields_load_and_new_files_only_grow_when_used() -> None:
    old = KeyImage(UID, "a.dcm", 64, 80).to_dict()
    assert "redactions" not in old
    assert KeyImage.from_dict(old).redactions == ()
    data = Session(key_images=(KeyImage(UID, "a.dcm", 64, 80),)).to_dict()
    assert "text_overrides" not in data
    assert Session.from_dict(data).text_overrides == ()


@pytest.mark.parametrize(("change", "message"), [
    ({"width": 0}, "key_images[0].redactions[0]: size"),
    ({"status": "maybe"}, "key_images[0].redactions[0].status: unknown value 'maybe'"),
    ({"x": "left"}, "key_images[0].redactions[0].x: expected a number"),
])
def test_bad_boxes_are_named(change: dict[str, object], message: str) -> None:
    box = {**Redaction(1, 1, 5, 5).to_dict(), **change}
    image = {**KeyImage(UID, "a.dcm", 64, 80).to_dict(), "redactions": [box]}
    data = {**Session().to_dict(), "key_images": [image]}
    with pytest.raises(AnnotationError, match=message.replace("[", r"\[").replace("]", r"\]")):
        Session.from_dict(data)
