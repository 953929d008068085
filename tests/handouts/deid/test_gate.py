"""The export gate and the three redaction modes, on detected regions (no OCR needed)."""

from __future__ import annotations

import numpy as np
import pytest

from takehome.annotations.model import KeyImage, Redaction, RedactionSource, RedactionStatus
from takehome.handouts.deid.gate import RedactMode, decide, redacted_pixels, refuse_if_unresolved
from takehome.handouts.deid.pixels import TextRegion
from takehome.handouts.deid.redact import apply_redactions, propose
from takehome.handouts.errors import DeidentificationError

UID = "1.2.826.0.1.3680043.8.498.7"
PIXELS = np.full((100, 200), 200, dtype=np.uint8)
NAME = TextRegion(10, 5, 80, 20, identifying=True, reason="name", confidence=90)
TECH = TextRegion(10, 60, 60, 75, identifying=False, reason="text", confidence=90)


def key(*boxes: Redaction) -> KeyImage:
    return KeyImage(UID, "a.dcm", 100, 200, redactions=boxes)


def test_auto_redacts_identifiers_and_leaves_other_text() -> None:
    decision = decide(key(), PIXELS, [NAME, TECH], RedactMode.AUTO)
    assert decision.auto_redacted == 1 and decision.auto_checked == 1 and not decision.unresolved
    out = redacted_pixels(PIXELS, decision)
    assert (out[5:20, 10:80] == 0).all()  # filled in the raster itself
    assert (out[60:75, 10:60] == 200).all()
    assert (PIXELS == 200).all()  # the source pixels are untouched


def test_review_refuses_naming_every_undecided_region() -> None:
    decision = decide(key(), PIXELS, [NAME, TECH], RedactMode.REVIEW)
    assert len(decision.unresolved) == 2
    with pytest.raises(DeidentificationError) as info:
        refuse_if_unresolved([decision])
    message = str(info.value)
    assert "key image 1" in message and UID in message and "2 text region(s)" in message
    assert "at the top left" in message and "at the bottom left" in message
    assert "x=" not in message  # where, in words: never coordinates
    assert "the patient's name" in message


def test_review_passes_once_the_clinician_decided() -> None:
    proposed = propose((), [NAME, TECH], PIXELS.shape)
    assert [b.status for b in proposed] == [RedactionStatus.REDACT, RedactionStatus.PENDING]
    with pytest.raises(DeidentificationError):
        refuse_if_unresolved([decide(key(*proposed), PIXELS, [NAME, TECH], RedactMode.REVIEW)])
    from dataclasses import replace
    decided = (proposed[0], replace(proposed[1], status=RedactionStatus.DISMISSED))
    decision = decide(key(*decided), PIXELS, [NAME, TECH], RedactMode.REVIEW)
    refuse_if_unresolved([decision])
    assert len(decision.filled) == 1 and decision.dismissed == 1


def test_dismissing_an_identifier_is_an_override() -> None:
    dismissed = Redaction(8, 3, 80, 20, status=RedactionStatus.DISMISSED, source=RedactionSource.OCR)
    decision = decide(key(dismissed), PIXELS, [NAME], RedactMode.AUTO)
    assert decision.overridden == 1 and not decision.filled


def test_none_applies_only_the_clinicians_boxes() -> None:
    manual = Redaction(100, 10, 20, 20)
    decision = decide(key(manual), PIXELS, [NAME], RedactMode.NONE)
    assert decision.filled == (manual,)
    assert decision.to_audit()["redacted"] == 1


def test_boxes_clip_to_the_image_and_ignore_dismissed() -> None:
    boxes = [Redaction(190, 90, 50, 50), Redaction(0, 0, 10, 10, status=RedactionStatus.DISMISSED)]
    out = apply_redactions(PIXELS, boxes)
    assert (out[90:, 190:] == 0).all() and (out[:10, :10] == 200).all()


def test_a_template_can_print_only_the_imaging_area_of_an_ultrasound_screen() -> None:
    from pydicom.data import get_testdata_file

    from takehome.annotations.model import Crop, Session
    from takehome.handouts.errors import InputError
    from takehome.handouts.prepare import key_image_from_file, load_images, prepare_content
    from takehome.handouts.templates import Template

    key, _ = key_image_from_file(get_testdata_file("examples_palette.dcm", download=False))
    session = Session(key_images=(key,))
    loaded = load_images(session)
    content, _ = prepare_content(session, loaded, Template(imaging_only=True), redact="none")
    assert content.images[0].crop == Crop(120, 60, 680, 290)  # the regions, clipped to the 800x350 screen
    content, _ = prepare_content(session, loaded, Template(), redact="none")
    assert content.images[0].crop is None
    with pytest.raises(InputError, match="imaging_only must be true or false"):
        Template(imaging_only="yes")  # type: ignore[arg-type]
