"""The file itself: metadata, attachments, annotations and scripts are found and stripped."""

from __future__ import annotations

import io

import pypdf
import pytest
from pypdf.annotations import Link
from pypdf.generic import DictionaryObject, NameObject, TextStringObject
from reportlab.pdfgen.canvas import Canvas

from takehome.handouts.deid import Identifiers
from takehome.handouts.deid.pdffile import check_pdf, ensure_clean_pdf, strip_pdf
from takehome.handouts.errors import DeidentificationError

IDS = Identifiers(name_parts=frozenset({"Blackwood"}), ids=frozenset({"MRN-4471902"}))


def plain_pdf(text: str = "A 12 mm nodule.", title: str = "Imaging handout") -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1)
    canvas.setTitle(title)
    canvas.setCreator("takehome")
    canvas.drawString(72, 720, text)
    canvas.save()
    return buffer.getvalue()


def dirty_pdf() -> bytes:
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(plain_pdf()))
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject({
        NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1);")})
    writer.add_attachment("notes.txt", b"Blackwood MRN-4471902")
    writer.add_annotation(0, Link(rect=(50, 50, 100, 100), url="https://example.org"))
    writer.add_metadata({"/Author": "Blackwood", "/Custom": "x"})
    writer.xmp_metadata = None
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_a_clean_pdf_passes_unchanged() -> None:
    data = plain_pdf()
    assert check_pdf(data, IDS).clean
    assert ensure_clean_pdf(data, IDS, title="Imaging handout", creator="takehome") is data


def test_everything_active_or_identifying_is_found() -> None:
    problems = " | ".join(check_pdf(dirty_pdf(), IDS).problems)
    for expected in ("OpenAction", "JS", "EmbeddedFiles", "Annots", "/Custom",
                     "/Author holds a header identifier"):
        assert expected in problems
    assert "Blackwood" not in problems and "4471902" not in problems


def test_stripping_keeps_the_pages_and_removes_the_rest() -> None:
    cleaned = ensure_clean_pdf(dirty_pdf(), IDS, title="Imaging handout", creator="takehome")
    assert check_pdf(cleaned, IDS).clean
    reader = pypdf.PdfReader(io.BytesIO(cleaned))
    assert len(reader.pages) == 1 and "12 mm nodule" in reader.pages[0].extract_text()
    assert reader.metadata is not None and reader.metadata.get("/Title") == "Imaging handout"
    assert b"Blackwood" not in cleaned
    assert check_pdf(strip_pdf(plain_pdf(), "t", "c")).clean


def test_an_identifier_in_the_text_refuses() -> None:
    with pytest.raises(DeidentificationError, match="page 1 text holds a header identifier"):
        ensure_clean_pdf(plain_pdf("Patient Blackwood"), IDS, title="t", creator="c")
    # unless the clinician kept that exact text
    data = plain_pdf("Patient Blackwood")
    assert ensure_clean_pdf(data, IDS, title="t", creator="c", keep=["Blackwood"]) is data


def test_unreadable_bytes_fail_closed() -> None:
    with pytest.raises(DeidentificationError, match="could not be checked"):
        check_pdf(b"not a pdf")
