"""The de-identification file check on the tagged handout: the generic XMP is allowed, alt text and
/ActualText are checked as text, and a stripped copy keeps its structure tree."""

from __future__ import annotations

import io

import page
import pikepdf
import pytest

from takehome.handouts.deid import Identifiers
from takehome.handouts.deid.pdffile import check_pdf, ensure_clean_pdf, strip_pdf
from takehome.handouts.errors import DeidentificationError

IDS = Identifiers(name_parts=frozenset({"Blackwood"}), ids=frozenset({"MRN-4471902"}))


def edited(data: bytes, edit: str) -> bytes:
    """``data`` with one change made with pikepdf (the file check reads it with pypdf)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        figure = next(e for e in _elements(pdf) if e.get("/S") == "/Figure")
        if edit == "alt":
            figure.Alt = pikepdf.String("The cyst of Mrs Blackwood")
        elif edit == "alt-bytes":  # not decodable as text: pypdf gives it as a byte string
            figure.Alt = pikepdf.String(b"Blackwood \x9f\x9f")
        elif edit == "actual":
            figure.ActualText = pikepdf.String("MRN-4471902")
        elif edit == "xmp":
            with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
                meta["dc:creator"] = ["Blackwood"]
        elif edit == "xmp-title":
            with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
                meta["dc:title"] = "Results of Eleanor Blackwood"
        elif edit == "page-xmp":
            pdf.pages[0].obj.Metadata = pdf.make_stream(b"<x/>")
        out = io.BytesIO()
        pdf.save(out)
    return out.getvalue()


def _elements(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    found = []
    stack: list[pikepdf.Object] = [pdf.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Dictionary):
            found.append(node)
            kids = node.get("/K")
            stack.extend(kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else [])
    return found


def test_tagged_handout_is_clean(demo_pdf: bytes) -> None:
    assert check_pdf(demo_pdf, IDS).clean
    assert ensure_clean_pdf(demo_pdf, IDS, title="Imaging handout", creator="takehome") == demo_pdf


@pytest.mark.parametrize(("edit", "problem"), [
    ("alt", "alternate text holds a header identifier"),
    ("alt-bytes", "alternate text holds a header identifier"),
    ("actual", "alternate text holds a header identifier"),
    ("xmp", "XMP metadata holds a property outside its allowed list"),
    ("xmp-title", "XMP metadata holds a header identifier"),
    ("page-xmp", "the file holds Metadata"),
])
def test_identifiers_in_the_structure_or_xmp_are_found(demo_pdf: bytes, edit: str, problem: str) -> None:
    problems = check_pdf(edited(demo_pdf, edit), IDS).problems
    assert any(problem in p for p in problems), problems
    for text in problems:
        assert "Blackwood" not in text and "4471902" not in text


def test_stripped_copy_keeps_the_structure(demo_pdf: bytes) -> None:
    dirty = edited(demo_pdf, "xmp")
    stripped = strip_pdf(dirty, "Imaging handout", "takehome")
    assert check_pdf(stripped, IDS).clean
    with pikepdf.open(io.BytesIO(stripped)) as pdf:
        assert "/Metadata" not in pdf.Root  # the unclean XMP went
        assert {"/StructTreeRoot", "/MarkInfo", "/Lang", "/ViewerPreferences"} <= set(pdf.Root.keys())
        roles = [str(e.get("/S")) for e in _elements(pdf)]
        assert roles.count("/Figure") == 3 and "/Table" in roles
    clean_copy = strip_pdf(demo_pdf, "Imaging handout", "takehome")
    report = page.validate_pdf_bytes(clean_copy, profile="ua1")  # a clean XMP is kept: still PDF/UA
    assert report.is_compliant, [(f.rule_id, f.message) for f in report.failures]


def test_identifier_in_alt_text_refuses_the_export(demo_pdf: bytes) -> None:
    with pytest.raises(DeidentificationError, match="alternate text"):
        ensure_clean_pdf(edited(demo_pdf, "alt"), IDS, title="Imaging handout", creator="takehome")
