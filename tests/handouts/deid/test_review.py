"""The headless part of the review: what each text loses and why, overrides, box counts."""

from __future__ import annotations

from takehome.annotations.model import Excerpt, KeyImage, Overlay, Point, Redaction, Session, ShapeKind
from takehome.handouts.deid import Identifiers
from takehome.handouts.deid.review import review_pixels, review_texts

UID = "1.2.826.0.1.3680043.8.498.21"
IDS = Identifiers(name_parts=frozenset({"Blackwood"}))


def session(*kept: str) -> Session:
    image = KeyImage(UID, "a.dcm", 64, 80, caption="Liver, Mrs Blackwood",
                     overlays=(Overlay(ShapeKind.TEXT, (Point(1, 1),), label="cyst"),),
                     excerpts=(Excerpt("Seen by Dr. House on 05/06/2024: a 12 mm nodule."),),
                     redactions=(Redaction(0, 0, 5, 5), Redaction(5, 5, 5, 5, status="pending"),
                                 Redaction(9, 9, 5, 5, status="dismissed")))
    return Session(key_images=(image,), title="Results", text_overrides=kept)


def test_each_text_with_its_pieces_and_reasons() -> None:
    findings = review_texts(session(), IDS)
    assert [f.where for f in findings] == ["Picture 1, caption", "Picture 1, excerpt 1"]
    caption, excerpt = findings
    assert [(caption.piece_text(p), p.kind) for p in caption.pieces] == [("Blackwood", "name")]
    assert [p.reason for p in excerpt.pieces] == ["the name of a person (doctor, relative, staff)", "a date"]
    assert excerpt.cleaned() == "Seen by Dr. [removed] on [removed]: a 12 mm nodule."


def test_overrides_are_marked_kept_and_printed() -> None:
    excerpt = review_texts(session("House"), IDS)[1]
    assert [p.kept for p in excerpt.pieces] == [True, False]
    assert excerpt.cleaned() == "Seen by Dr. House on [removed]: a 12 mm nodule."


def test_box_counts_per_picture() -> None:
    (summary,) = review_pixels(session())
    assert (summary.where, summary.redact, summary.dismissed, summary.pending) == ("Picture 1", 1, 1, 1)
