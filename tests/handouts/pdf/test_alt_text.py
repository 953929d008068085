"""Every picture's alternate text: present, in the handout's language, in plain words, and built
only from the de-identified text the handout prints."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pikepdf
import pytest

from takehome.annotations import Overlay, Point, ShapeKind
from takehome.annotations.spacing import Spacing, SpacingSource
from takehome.handouts import build_pdf_bytes, session_from_files
from takehome.handouts.content import HandoutImage
from takehome.handouts.i18n import translator
from takehome.handouts.legend.orientation import from_vectors
from takehome.handouts.legend.scalebar import ScaleBar
from takehome.handouts.pdf.alt_text import figure_alt
from tests.handouts.pdf.test_pdf import identifier_strings


def alt_texts(data: bytes) -> list[str]:
    """The /Alt of every Figure element of the PDF's structure tree, in tree order."""
    found = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        stack: list[pikepdf.Object] = [pdf.Root.StructTreeRoot]
        while stack:
            node = stack.pop(0)
            if isinstance(node, pikepdf.Dictionary):
                if node.get("/S") == "/Figure":
                    found.append(str(node.get("/Alt", "")))
                kids = node.get("/K")
                stack[0:0] = list(kids) if isinstance(kids, pikepdf.Array) else ([kids] if kids else [])
    return found


def test_every_figure_has_alt_text(demo_pdf: bytes) -> None:
    texts = alt_texts(demo_pdf)
    assert len(texts) == 3 and all(t.strip() for t in texts)
    first = texts[0]
    assert first.startswith("MRI scan of the abdomen (belly).")
    assert "An arrow points to the spot in the liver." in first
    assert "A line measures size (40.9 mm)." in first  # the measured length, as printed
    assert "The top of the picture is towards the front of your body" in first
    assert "The bar under the picture is 10 cm long in your body." in first
    assert "A box marks heart valve." in texts[2]
    assert "Text on the picture: Heart pumping normally." in texts[2]


def test_alt_text_is_in_the_handout_language(spanish_large_print_pdf: bytes) -> None:
    with pikepdf.open(io.BytesIO(spanish_large_print_pdf)) as pdf:
        assert str(pdf.Root.Lang) == "es"  # the figures inherit the document's language
    texts = alt_texts(spanish_large_print_pdf)
    assert len(texts) == 3 and all(t.strip() for t in texts)
    tr = translator("es")
    assert texts[0].startswith("Resonancia magnética")
    assert tr.gettext("An arrow points to {label}.").format(label="the spot in the liver") in texts[0]
    assert "La barra bajo la imagen mide 10 cm en su cuerpo." in texts[0]
    english = ("points to", "measures", "The top of the picture", "The bar under", "your body")
    assert not any(phrase in text for text in texts for phrase in english)


def test_alt_text_without_labels_orientation_or_scale() -> None:
    image = HandoutImage(pixels=np.zeros((10, 10), np.uint8), crop=None,
                         overlays=(Overlay(ShapeKind.ARROW, (Point(1, 1), Point(5, 5))),
                                   Overlay(ShapeKind.TEXT, (Point(2, 2),), label="Blackwood")),
                         labels=("", ""), caption="", excerpts=())  # the text was scrubbed away whole
    assert figure_alt(image, "Picture 1 of 1", None, translator("en")) == (
        "Picture 1 of 1. An arrow points to a spot.")


def test_oblique_edges_name_both_directions() -> None:
    orientation = from_vectors((0.7, 0.7, 0), (0, 0, -1))  # a view between left and back
    assert orientation is not None
    image = HandoutImage(pixels=np.zeros((10, 10), np.uint8), crop=None, overlays=(), labels=(),
                         caption="X-ray", excerpts=(), orientation=orientation,
                         spacing=Spacing(0.5, 0.5, SpacingSource.PIXEL_SPACING))
    text = figure_alt(image, "Picture 1 of 1", ScaleBar(20.0, 50.0), translator("en"))
    assert "the right edge towards your left side and your back." in text
    assert "the top of the picture is towards your head".lower() in text.lower()
    assert text.endswith("The bar under the picture is 2 cm long in your body.")


def test_alt_text_carries_no_identifier(dicom_file: Callable[..., Path]) -> None:
    """Labels and captions are scrubbed before the PDF layer: the alt text built from them is too."""
    session = session_from_files([dicom_file("a.dcm")])
    arrow = Overlay(ShapeKind.ARROW, (Point(10, 10), Point(30, 30)),
                    label="Mrs Blackwood's cyst (MRN-4471902)")
    session = session.replace_image(0, replace(session.key_images[0], overlays=(arrow,),
                                               caption="Eleanor Blackwood, liver"))
    data, _, _ = build_pdf_bytes(session)
    (text,) = alt_texts(data)
    assert "cyst" in text and "liver" in text
    for value in identifier_strings():
        assert value.lower() not in text.lower(), value


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_alt_phrase_is_translated(language: str) -> None:
    from takehome.handouts.pdf import alt_text

    tr = translator(language)
    phrases = [*alt_text._WITH_LABEL.values(), *alt_text._DIRECTIONS.values()]
    translated = [tr.gettext(p) for p in phrases if p]
    assert all(translated)
    if language == "es":
        assert not set(translated) & set(phrases)
