"""The tagged handout read back by independent tools: poppler's structure listing, a PDF/UA-1
validator, poppler's reading order of the rendered page, and the file's own catalog."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import page
import pikepdf
import pytest

from takehome.annotations import Excerpt
from takehome.handouts import build_pdf_bytes
from takehome.handouts.i18n import translator
from takehome.handouts.pdf.tagging import close_untagged
from takehome.handouts.sample import demo_session
from takehome.handouts.templates import load_template_file
from tests.handouts.pdf.structure_text import Node, page_words, struct_tree

HANDOUTS = ["demo_pdf", "spanish_large_print_pdf"]


@pytest.fixture(params=HANDOUTS)
def handout(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, str]:
    """A tagged handout on disk and its language."""
    path = tmp_path / "handout.pdf"
    path.write_bytes(request.getfixturevalue(request.param))
    return path, "es" if "spanish" in request.param else "en"


def _kids(node: Node) -> list[str]:
    return [kid.role for kid in node.kids]


def test_structure_lists_the_handout_in_order(handout: tuple[Path, str]) -> None:
    path, language = handout
    tree = struct_tree(path)
    assert tree.role == "Document"
    assert tree.kids[0].role == "H1" and tree.kids[0].text == "Your scan results"
    picture = "Imagen {n} de 3" if language == "es" else "Picture {n} of 3"
    headings = [n.text for n in tree.walk() if n.role == "H2"]
    assert [h.split(":")[0] for h in headings[:3]] == [picture.format(n=n) for n in (1, 2, 3)]
    assert len(headings) == 6  # three pictures, the words box, questions, contact
    sections = tree.find("Sect")
    assert len(sections) == 3
    for section in sections:
        roles = _kids(section)
        assert roles[0] == "H2" and "Figure" in roles and roles[-1] == "P"
        assert roles.index("H2") < roles.index("Figure") < roles.index("H3")
    (table,) = tree.find("Table")
    assert table.kids and set(_kids(table)) == {"TR"}
    assert all(_kids(row) == ["TH", "TD"] for row in table.kids)
    assert all(row.kids[0].attributes.get("/Scope") == "/Row" for row in table.kids)
    (items,) = tree.find("L")
    assert len(items.kids) == 4 and all(_kids(item) == ["Lbl", "LBody"] for item in items.kids)
    assert all(item.kids[0].text == "•" and len(item.kids[1].text) > 10 for item in items.kids)
    # the top-level order is the page's: title, intro, legend, pictures, words, questions, contact
    order = _kids(tree)
    assert order.index("Sect") < order.index("Table") < order.index("L")
    assert order[-1] == "P"  # the disclaimer closes the handout


def test_pdfua_validator_passes(handout: tuple[Path, str]) -> None:
    path, _ = handout
    report = page.validate_pdf(path, profile="ua1")
    assert report.is_compliant, [(f.rule_id, f.message) for f in report.failures]


def test_validator_fails_without_the_structure(demo_pdf: bytes) -> None:
    """The validator is not vacuous: the same file without its tags does not pass."""
    with pikepdf.open(io.BytesIO(demo_pdf)) as pdf:
        del pdf.Root.StructTreeRoot
        del pdf.Root.MarkInfo
        out = io.BytesIO()
        pdf.save(out)
    report = page.validate_pdf_bytes(out.getvalue(), profile="ua1")
    assert not report.is_compliant
    assert {"PDFUA1-STRUCT-TREE-ROOT-001", "PDFUA1-TAGGED-DOCUMENT-001"} <= {
        f.rule_id for f in report.failures}


def test_catalog_language_title_and_fonts(handout: tuple[Path, str]) -> None:
    path, language = handout
    with pikepdf.open(path) as pdf:
        assert str(pdf.Root.Lang) == language
        assert pdf.Root.MarkInfo.Marked is True
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        title = str(pdf.docinfo.Title)
        assert title == ("Hoja informativa de su prueba de imagen" if language == "es" else "Imaging handout")
        meta = pdf.open_metadata()
        assert meta["dc:title"] == title and meta["pdfuaid:part"] == "1"
        for pdf_page in pdf.pages:
            assert pdf_page.obj.Tabs == "/S"
            for _, font in pdf_page.obj.Resources.Font.items():
                assert "/ToUnicode" in font
                assert "/FontFile2" in font.FontDescriptor  # embedded TrueType


def _figure_boxes(path: Path) -> list[tuple[int, tuple[float, ...]]]:
    """(page index, BBox) of every Figure element, read with pikepdf."""
    boxes = []
    with pikepdf.open(path) as pdf:
        pages = [p.obj.objgen for p in pdf.pages]
        stack = [pdf.Root.StructTreeRoot]
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Dictionary):
                if node.get("/S") == "/Figure":
                    boxes.append((pages.index(node.Pg.objgen), tuple(float(v) for v in node.A.BBox)))
                kids = node.get("/K")
                if isinstance(kids, pikepdf.Array):
                    stack.extend(kids)
                elif kids is not None:
                    stack.append(kids)
    return boxes


def _squash(text: str) -> str:
    return "".join(text.split())


def reading_orders(path: Path) -> tuple[str, str]:
    """The structure's text in tree order, and the text poppler reads off the rendered pages in its
    reading order, leaving out what the figures' alternate text replaces and the page numbers (both
    without white space: poppler joins a paragraph's lines without one)."""
    parts: list[str] = []

    def collect(node: Node) -> None:
        if node.role == "Figure":
            return
        parts.extend(node.texts)
        for kid in node.kids:
            collect(kid)

    collect(struct_tree(path))
    boxes = _figure_boxes(path)

    def in_figure(page_index: int, x: float, y_top: float, height: float) -> bool:
        y = height - y_top
        return any(p == page_index and b[0] <= x <= b[2] and b[1] <= y <= b[3] for p, b in boxes)

    seen = [w for w in page_words(path) if not in_figure(w.page, w.x, w.y, w.page_height)
            and w.y < w.page_height - 40]  # the page number sits in the bottom 14 mm
    return _squash("".join(parts)), _squash("".join(w.text for w in seen))


def test_reading_order_is_the_visual_order(handout: tuple[Path, str]) -> None:
    spoken, visual = reading_orders(handout[0])
    assert spoken == visual
    assert len(spoken) > 500


def test_a_screen_reader_hears_every_word_apart(handout: tuple[Path, str]) -> None:
    """The structure's text keeps a space where a paragraph wraps: no two words of adjacent lines run
    together ("each" + "picture" read as "eachpicture")."""
    seen = {w.text for w in page_words(handout[0])}
    spoken = [word for node in struct_tree(handout[0]).walk() if node.role != "Figure"
              for text in node.texts for word in text.split()]
    assert len(spoken) > 100
    joined = [word for word in spoken if word not in seen]
    assert joined == []


@pytest.mark.parametrize(("template", "choices"), [("compact", {}), ("standard", {"excerpt": "beside"}),
                                                   ("large-print", {"language": "es"})])
def test_reading_order_holds_across_page_breaks(template: str, choices: dict[str, str],
                                                tmp_path: Path) -> None:
    """Long notes split over pages (the box heading repeats on the next page, as an artifact: spoken
    once), in the 2 x 2 grid, beside the pictures and in large print."""
    session = demo_session()
    note = "The liver has a simple cyst of 4 cm with a thin wall and no solid part. " * 45
    session = replace(session, key_images=tuple(replace(k, excerpts=(Excerpt(note),))
                                                for k in session.key_images))
    data, info, _ = build_pdf_bytes(session, template=template, choices=choices)
    assert info.pages >= 4
    path = tmp_path / "long.pdf"
    path.write_bytes(data)
    report = page.validate_pdf(path, profile="ua1")
    assert report.is_compliant, [(f.rule_id, f.message) for f in report.failures]
    spoken, visual = reading_orders(path)
    heading = _squash(translator(choices.get("language", "en")).gettext("From your report"))
    assert spoken.count(heading) == 3 < visual.count(heading)  # once per picture, repeats are artifacts
    assert spoken.replace(heading, "") == visual.replace(heading, "")
    with pikepdf.open(path) as pdf:  # a note that continues on the next page is one paragraph
        assert any(len({ref.Pg.objgen for ref in element.K}) > 1 for element in _elements(pdf)
                   if element.get("/S") == "/P" and isinstance(element.get("/K"), pikepdf.Array))


def _elements(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    found = []
    stack: list[pikepdf.Object] = [pdf.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Dictionary) and node.get("/Type") != "/MCR":
            found.append(node)
            kids = node.get("/K")
            stack.extend(kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else [])
    return found


def test_page_numbers_are_artifacts(demo_pdf: bytes, tmp_path: Path) -> None:
    path = tmp_path / "demo.pdf"
    path.write_bytes(demo_pdf)
    spoken = struct_tree(path).text
    assert "Page 1 of" not in spoken
    assert any(w.text == "Page" for w in page_words(path))  # printed all the same


def test_untagged_painting_becomes_an_artifact() -> None:
    """A path built over several operator strings is wrapped whole (from its first construction
    operator to its painting one); tagged content is left alone."""
    code = ["q", "1 0 0 rg", "n", "0 0 m 10 10 l", "S", "/P <</MCID 0>> BDC", "BT (x) Tj ET", "EMC",
            "BT /F1 12 Tf ET", "0 0 5 5 re f", "Q"]
    assert close_untagged(code) == [
        "q", "1 0 0 rg", "n", "/Artifact BMC", "0 0 m 10 10 l", "S", "EMC",
        "/P <</MCID 0>> BDC", "BT (x) Tj ET", "EMC",
        "BT /F1 12 Tf ET",  # sets a font, shows nothing: not content
        "/Artifact BMC", "0 0 5 5 re f", "EMC", "Q"]


def test_department_template_with_logo(tmp_path: Path) -> None:
    """The example department template (SVG logo, notes beside the pictures): the logo is an
    artifact, its department name a paragraph before the title."""
    folder = Path(__file__).resolve().parents[3] / "docs" / "templates" / "example"
    template = load_template_file(folder / "st-example-imaging.toml")
    data, _, _ = build_pdf_bytes(demo_session(), template=template)
    path = tmp_path / "department.pdf"
    path.write_bytes(data)
    report = page.validate_pdf(path, profile="ua1")
    assert report.is_compliant, [(f.rule_id, f.message) for f in report.failures]
    tree = struct_tree(path)
    assert _kids(tree)[:2] == ["P", "H1"] and tree.kids[0].text == template.department
    assert len(tree.find("Figure")) == 3  # the logo is no Figure: only the three pictures are
    spoken, visual = reading_orders(path)
    assert spoken == visual
