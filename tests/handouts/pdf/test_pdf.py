"""The handout PDF read back: text, no identifiers, rendered pages, overlays where the model says."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pypdf
import pypdfium2 as pdfium
import pytest

from takehome.annotations import Excerpt, Overlay, Point, Session, ShapeKind
from takehome.handouts import build_handout, build_pdf_bytes, session_from_files
from takehome.handouts.errors import OutputError
from takehome.handouts.sample import demo_session
from tests.conftest import FAKE_PATIENT

RENDER_SCALE = 100 / 72  # 100 dpi


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def render_page(data: bytes, index: int = 0) -> np.ndarray:
    document = pdfium.PdfDocument(data)
    try:
        bitmap = document[index].render(scale=RENDER_SCALE)
        return np.asarray(bitmap.to_pil().convert("RGB")).copy()
    finally:
        document.close()


def identifier_strings() -> list[str]:
    """The fake header values and common spellings of them that must never be printed."""
    values = ["Blackwood", "Eleanor", "Maud", "MRN-4471902", "4471902", "ACC99120734", "99120734",
              "19470312", "1947-03-12", "12/03/1947", "03/12/1947", "Saint Quentin", "Okonkwo",
              "Chidi", "20240605", "2024-06-05"]
    assert all(v in "".join(FAKE_PATIENT.values()) or "-" in v or "/" in v for v in values[:4])
    return values


def test_excerpt_in_text_and_no_header_identifier(dicom_file: Callable[..., Path]) -> None:
    files = [dicom_file("a.dcm"), dicom_file("b.dcm", color=True, modality="US")]
    excerpt = ("Mrs ELEANOR blackwood (MRN 4471902, born 12/03/1947, accession ACC 9912 0734) "
               "has a 12 mm nodule in the right upper lobe.")
    session = session_from_files(files, [excerpt, "The liver looks normal."])
    session = replace(session, title="Results for Maud Blackwood")
    data, info, summary = build_pdf_bytes(session)
    text = pdf_text(data)
    assert "12 mm nodule in the right upper lobe" in text
    assert "The liver looks normal." in text
    lowered = text.lower()
    for value in identifier_strings():
        assert value.lower() not in lowered, value
    assert summary.removed >= 5
    assert info.pages >= 1 and len(info.images) == 2
    metadata = pypdf.PdfReader(io.BytesIO(data)).metadata or {}
    for key, value in metadata.items():
        for ident in identifier_strings():
            assert ident.lower() not in str(value).lower(), (key, ident)
    assert metadata.get("/Creator") == "takehome"
    assert not metadata.get("/Author")


def test_pages_render_and_overlay_pixels_where_the_model_says(dicom_file: Callable[..., Path]
                                                              ) -> None:
    pixels = np.zeros((100, 200, 3), dtype=np.uint8)
    pixels[...] = (70, 140, 200)  # a flat colour nothing else on the page has
    path = dicom_file("grey.dcm", rows=100, columns=200, color=True, pixels=pixels)
    session = session_from_files([path])
    rect = Overlay(ShapeKind.RECTANGLE, (Point(50, 25), Point(150, 75)), color="#ff0000")
    session = session.replace_image(0, replace(session.key_images[0], overlays=(rect,)))
    data, _, _ = build_pdf_bytes(session)
    page = render_page(data)
    flat = np.all(np.abs(page.astype(int) - (70, 140, 200)) <= 3, axis=-1)
    rows, cols = np.nonzero(flat)
    top, bottom, left, right = rows.min(), rows.max(), cols.min(), cols.max()
    assert (right - left) / (bottom - top) == pytest.approx(2.0, rel=0.03)
    scale = (right - left + 1) / 200
    red = (page[..., 0] > 200) & (page[..., 1] < 60) & (page[..., 2] < 60)

    def red_near(x: float, y: float) -> bool:
        px, py = round(left + x * scale), round(top + y * scale)
        return bool(red[py - 3:py + 4, px - 3:px + 4].any())

    for x, y in ((50, 25), (150, 25), (50, 75), (150, 75), (100, 25), (50, 50)):
        assert red_near(x, y), (x, y)
    assert not red_near(100, 50)  # the inside stays the image
    assert not red[:top].any() and not red[bottom + 1:].any()  # clipped to the image


def test_images_embedded_compactly(dicom_file: Callable[..., Path]) -> None:
    rng = np.random.default_rng(0)
    noisy = (1024 + rng.normal(40, 120, (512, 512))).clip(0, 4095).astype(np.uint16)
    session = session_from_files([dicom_file("ct.dcm", rows=512, columns=512, pixels=noisy)])
    data, info, _ = build_pdf_bytes(session)
    assert info.images[0].encoding == "DCTDecode"
    assert b"/DCTDecode" in data
    assert len(data) < 400_000
    flat = session_from_files([dicom_file("flat.dcm", color=True)])
    _, flat_info, _ = build_pdf_bytes(flat)
    assert flat_info.images[0].encoding in ("FlateDecode", "DCTDecode")


def test_demo_builds_and_renders(tmp_path: Path) -> None:
    out = tmp_path / "demo.pdf"
    result = build_handout(demo_session(), out)
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and result.pdf.pages >= 2
    text = pdf_text(data)
    assert "Picture 1 of 3" in text and "the spot in the liver" in text
    assert "40.9 mm" in text  # the measured line's length (pixel spacing 0.723 mm)
    page = render_page(data)
    assert page.std() > 20  # something real is drawn


def test_failed_write_leaves_no_file(tmp_path: Path, dicom_file: Callable[..., Path],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    session = session_from_files([dicom_file()])
    out = tmp_path / "handout.pdf"
    out.write_bytes(b"previous handout")

    def full_disk(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.fsync", full_disk)
    with pytest.raises(OutputError, match="could not be written"):
        build_handout(session, out)
    assert out.read_bytes() == b"previous handout"
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix != ".dcm") == ["handout.pdf"]


def test_excerpts_attach_to_their_images(dicom_file: Callable[..., Path]) -> None:
    session = session_from_files([dicom_file("a.dcm"), dicom_file("b.dcm")], ["first", "second"])
    assert [k.excerpts[0].text for k in session.key_images] == ["first", "second"]
    image = replace(session.key_images[1], excerpts=(Excerpt("one"), Excerpt("two")))
    session = Session(key_images=(session.key_images[0], image))
    text = pdf_text(build_pdf_bytes(session)[0])
    assert text.index("first") < text.index("one") < text.index("two")
