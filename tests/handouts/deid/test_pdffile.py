"""The file itself: metadata, attachments, annotations and scripts are found and stripped."""

from __future__ import annotations

import io

import pypdf
import pytest
from pypdf.annotations import Link
from pypdf.generic import DictionaryObject, NameObject, TextStringObject
from reportlab.pdfgen.canvas import Canvas

from takehome.handouts.deid import Identifiers
from takehome.handouts.deid.pdffile import check_pdf, ensure_clean_pdf, residue, strip_pdf
from takehome.handouts.deid.printed import CheckedText, PrintedTexts, tokens
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


# ----- the check knows where text comes from ---------------------------------------------------

SOURCE_IDS = Identifiers(name_parts=frozenset({"Page", "Will", "Blackwood"}),
                         phrases=frozenset({"Springfield Radiology"}))


def lines_pdf(*lines: str) -> bytes:
    """One page with each line drawn as its own text line (the way a paragraph wraps)."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1)
    canvas.setTitle("Imaging handout")
    canvas.setCreator("takehome")
    for number, line in enumerate(lines):
        canvas.drawString(72, 760 - 16 * number, line)
    canvas.save()
    return buffer.getvalue()


def printed(*checked: tuple[str, str], trusted: tuple[str, ...] = ()) -> PrintedTexts:
    return PrintedTexts(
        trusted=("Springfield Radiology", "The notes come from your radiology report and will be explained.",
                 *trusted),
        checked=tuple(CheckedText(place, text) for place, text in checked),
        footers=("Page 1 of 1",))


def test_template_words_equal_to_header_values_are_trusted() -> None:
    data = lines_pdf("Springfield Radiology", "The notes come from your radiology",
                     "report and will be explained.", "A 12 mm nodule.", "Page 1 of 1")
    assert not check_pdf(data, SOURCE_IDS).clean  # without sources every word is judged
    assert check_pdf(data, SOURCE_IDS, printed=printed(("excerpt 1 of picture 1", "A 12 mm nodule."))).clean


def test_a_refusal_names_the_place_and_kind_never_the_value() -> None:
    data = lines_pdf("Springfield Radiology", "A nodule. Blackwood", "Page 1 of 1")
    sources = printed(("excerpt 1 of picture 1", "A nodule."), ("label 2 of picture 1", "Blackwood"))
    with pytest.raises(DeidentificationError) as caught:
        ensure_clean_pdf(data, SOURCE_IDS, title="t", creator="c", printed=sources)
    message = str(caught.value)
    assert "label 2 of picture 1 holds a header identifier (name)" in message
    assert "Blackwood" not in message and "x=" not in message
    assert "excerpt 1" not in message


def test_template_text_is_taken_out_only_as_a_whole() -> None:
    # "Page" of the footer is trusted; the same word in the clinician's text is still judged
    data = lines_pdf("Seen with Mr Page today.", "Page 1 of 1")
    sources = printed(("excerpt 1 of picture 1", "Seen with Mr Page today."))
    assert check_pdf(data, SOURCE_IDS, printed=sources).problems == (
        "excerpt 1 of picture 1 holds a header identifier (name)",)


def test_text_no_source_explains_is_judged_and_refused() -> None:
    data = lines_pdf("Springfield Radiology", "Will", "Page 1 of 1")
    (problem,) = check_pdf(data, SOURCE_IDS, printed=printed()).problems
    assert problem == "page 1 holds a header identifier (name) in text that is not the template's"


def test_pieces_around_template_text_never_join() -> None:
    # "Black" + trusted text + "wood" must not be read as one word, nor hide anything either
    ids = Identifiers(name_parts=frozenset({"Blackwood"}))
    data = lines_pdf("Black Springfield Radiology wood", "Page 1 of 1")
    assert check_pdf(data, ids, printed=printed()).clean
    assert residue(["Black Springfield Radiology wood Page 1 of 1"], printed()) == ["Black\nwood"]


def test_invisible_characters_do_not_hide_or_split_words() -> None:
    assert tokens("Bla\u00adck\u200bwood \u2013 Mary\u2019s") == ["Blackwood", "-", "Mary's"]


def test_stripping_keeps_the_document_structure() -> None:
    """Only forbidden entries go: a tagged handout keeps its structure tree, mark info and language."""
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(plain_pdf()))
    root = writer._root_object
    tree = writer._add_object(DictionaryObject({NameObject("/Type"): NameObject("/StructTreeRoot")}))
    root[NameObject("/StructTreeRoot")] = tree
    marked = pypdf.generic.BooleanObject(True)
    root[NameObject("/MarkInfo")] = DictionaryObject({NameObject("/Marked"): marked})
    root[NameObject("/Lang")] = TextStringObject("en")
    writer.add_annotation(0, Link(rect=(50, 50, 100, 100), url="https://example.org"))
    buffer = io.BytesIO()
    writer.write(buffer)
    cleaned = ensure_clean_pdf(buffer.getvalue(), IDS, title="Imaging handout", creator="takehome")
    catalog = pypdf.PdfReader(io.BytesIO(cleaned)).trailer["/Root"]
    assert "/StructTreeRoot" in catalog and "/MarkInfo" in catalog and catalog["/Lang"] == "en"
    assert "/Annots" not in pypdf.PdfReader(io.BytesIO(cleaned)).pages[0]


def test_every_word_of_a_real_handout_has_a_source(dicom_file) -> None:
    """The sources match the layout: what the template printed is all taken out, only the checked
    texts (and the scale bar's length) are left to judge. Fails when the layout prints new fixed
    words the sources do not know (they would then be judged like the clinician's text)."""
    import re

    from takehome.handouts.build import choose_template, session_from_files
    from takehome.handouts.deid.printed import printed_texts
    from takehome.handouts.pdf.document import render_pdf
    from takehome.handouts.prepare import load_images, prepare_content

    session = session_from_files([dicom_file("a.dcm"), dicom_file("b.dcm", modality="MR")],
                                 ["A small cyst in the liver, likely harmless.", "The kidney is normal."])
    chosen = choose_template(session)
    content, _ = prepare_content(session, load_images(session), chosen, redact="none")
    data, info = render_pdf(content, chosen)
    sources = printed_texts(content, chosen, info.pages)
    pages = [page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(data)).pages]
    left = {word for text in residue(pages, sources) for word in text.split()}
    explained = {word for checked in sources.checked for word in tokens(checked.text)}
    assert {w for w in left - explained if not re.fullmatch(r"[\d.,]+|mm|cm", w)} == set()
    assert "cyst" in " ".join(left)  # the excerpts are still there to judge
