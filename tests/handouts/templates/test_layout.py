"""What a template sets shows on the page: logo, department, section order, notes beside, fonts, colours."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import numpy as np
import pypdf

from takehome.handouts.build import build_pdf_bytes, session_from_files
from takehome.handouts.pdf.fonts import bundled_font_path
from tests.handouts.templates.helpers import char_boxes, pdf_text, render_page, write_dicom, write_png

IMAGE_COLOUR = (40, 170, 90)


def session(tmp_path: Path, count: int = 1) -> object:
    files = [write_dicom(tmp_path, f"{n}.dcm", rows=100, columns=150, color=True,
                         pixels=np.full((100, 150, 3), IMAGE_COLOUR, dtype=np.uint8)) for n in range(count)]
    return session_from_files(files, ["A small nodule that looks harmless."] * count)


def fonts_of(data: bytes) -> set[str]:
    names = set()
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        names |= {str(f.get_object()["/BaseFont"]) for f in page["/Resources"]["/Font"].values()}
    return names


def test_png_logo_department_and_colours_are_printed(tmp_path: Path) -> None:
    folder = tmp_path / "dept"
    folder.mkdir()
    write_png(folder / "logo.png", 240, 80, (220, 20, 20))
    (folder / "dept.toml").write_text(
        '[department]\nname = "Riverside Imaging"\nlogo = "logo.png"\nlogo_height_mm = 20\n'
        '[colours]\naccent = "#0000ff"\n[text]\ncontact = ["Call 0123 456 789."]\n')
    data, _, _ = build_pdf_bytes(session(tmp_path), template=str(folder / "dept.toml"))
    page = render_page(data, 0, 2.0).astype(int)
    red = (page[..., 0] > 200) & (page[..., 1] < 50) & (page[..., 2] < 50)
    rows, cols = np.nonzero(red)
    assert rows.size and rows.max() < page.shape[0] * 0.15 and cols.min() < page.shape[1] * 0.2  # top left
    height_mm = (rows.max() - rows.min() + 1) / 2.0 / 72 * 25.4
    assert abs(height_mm - 20) < 0.6  # the logo at the template's height
    blue = (page[..., 2] > 200) & (page[..., 0] < 60) & (page[..., 1] < 60)
    assert blue.sum() > 200  # title and headings in the accent colour
    text = " ".join(pdf_text(data).split())
    assert text.count("Riverside Imaging") == 2  # beside the logo and under "Who to contact"
    assert "Who to contact Riverside Imaging Call 0123 456 789." in text


def test_svg_logo_is_drawn(tmp_path: Path) -> None:
    (tmp_path / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="60" height="30">'
                                       '<rect width="60" height="30" fill="#dc1414"/></svg>')
    (tmp_path / "svg.toml").write_text('[department]\nlogo = "logo.svg"\n')
    data, _, _ = build_pdf_bytes(session(tmp_path), template=str(tmp_path / "svg.toml"))
    page = render_page(data, 0, 2.0).astype(int)
    red = (page[..., 0] > 200) & (page[..., 1] < 50) & (page[..., 2] < 50)
    assert red.sum() > 1000


def test_section_order_and_optional_sections(tmp_path: Path) -> None:
    (tmp_path / "order.toml").write_text(
        '[layout]\nsections = ["mandatory", "images", "contact"]\n'
        '[text]\nmandatory = ["Read this first: this is not your report."]\n')
    data, _, _ = build_pdf_bytes(session(tmp_path), template=str(tmp_path / "order.toml"))
    text = " ".join(pdf_text(data).split())
    assert text.index("Read this first") < text.index("Picture 1 of 1") < text.index("Who to contact")
    assert "Questions to ask your doctor" not in text and "Words in your report" not in text
    assert "These pictures were chosen" not in text  # no intro section listed
    data, _, _ = build_pdf_bytes(session(tmp_path), choices={"questions": False})
    text = pdf_text(data)
    assert "Questions to ask your doctor" not in text and "Words in your report" in text


def test_notes_beside_or_below_the_picture(tmp_path: Path) -> None:
    for position in ("beside", "below"):
        data, _, _ = build_pdf_bytes(session(tmp_path), choices={"excerpt": position})
        page = render_page(data, 0, 2.0).astype(int)
        image = np.all(np.abs(page - IMAGE_COLOUR) <= 6, axis=-1)
        rows, cols = np.nonzero(image)
        right, bottom = cols.max() / 2.0, rows.max() / 2.0
        height_pt = page.shape[0] / 2.0
        chars = char_boxes(data)
        text = "".join(c for c, _ in chars)
        start = text.index("A small nodule")
        x0, y0, _, _ = chars[start][1]
        if position == "beside":
            assert x0 > right  # to the right of the picture
        else:
            assert height_pt - y0 > bottom  # under the picture


def test_serif_family_and_own_font_files_are_embedded(tmp_path: Path) -> None:
    (tmp_path / "serif.toml").write_text('[fonts]\nfamily = "serif"\n')
    data, _, _ = build_pdf_bytes(session(tmp_path), template=str(tmp_path / "serif.toml"))
    assert {name.split("+")[-1] for name in fonts_of(data)} == {"DejaVuSerif", "DejaVuSerif-Bold"}
    shutil.copy(bundled_font_path("DejaVuSerif.ttf"), tmp_path / "house.ttf")
    shutil.copy(bundled_font_path("DejaVuSans-Bold.ttf"), tmp_path / "house-bold.ttf")
    (tmp_path / "own.toml").write_text('[fonts]\nregular = "house.ttf"\nbold = "house-bold.ttf"\n')
    data, _, _ = build_pdf_bytes(session(tmp_path), template=str(tmp_path / "own.toml"))
    assert {name.split("+")[-1] for name in fonts_of(data)} == {"DejaVuSerif", "DejaVuSans-Bold"}


def test_longest_notes_flow_over_pages_in_every_layout(tmp_path: Path) -> None:
    """A 5000-character excerpt (the most a session allows) never breaks the layout and prints whole."""
    from takehome.annotations.model import MAX_EXCERPT_LENGTH
    from takehome.handouts.pdf.sections import text_rows

    sentence = "The lesion in the liver is stable in size and appearance compared with the prior study. "
    long = (sentence * 100)[:MAX_EXCERPT_LENGTH].strip()
    files = [write_dicom(tmp_path, f"{n}.dcm", rows=200, columns=150) for n in range(4)]
    notes = [long, "Short note.", long, "x" * 1200]  # the last one has no sentence end nor space
    session = session_from_files(files, notes)
    layouts: list[dict[str, object]] = [{}, {"excerpt": "beside"}, {"images_per_page": 4},
                                        {"images_per_page": 1, "large_print": True}]
    for choices in layouts:
        data, info, _ = build_pdf_bytes(session, choices=choices)
        text = "".join(pdf_text(data).split())
        assert info.pages >= 3
        assert text.count("".join(sentence.split())) >= 2 * (len(long) // len(sentence)), choices
        assert sum(len(run) for run in re.findall(r"x{24,}", text)) >= 1200  # the unbroken note, whole
    pieces = text_rows(long)
    assert " ".join(pieces) == long and max(len(p) for p in pieces) <= 500
    assert all(len(p) <= 500 for p in text_rows("x" * 1200)) and "".join(text_rows("x" * 1200)) == "x" * 1200
