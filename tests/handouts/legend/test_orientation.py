"""Orientation letters and the sentence on how to read a view, on standard and oblique orientations."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from pydicom.dataset import Dataset

from takehome.handouts.build import build_pdf_bytes, session_from_files
from takehome.handouts.i18n import translator
from takehome.handouts.legend import (
    Viewpoint,
    from_patient_orientation,
    from_vectors,
    orientation_for,
    reading_sentence,
)
from tests.handouts.templates.helpers import char_boxes, pdf_text, render_page, write_dicom

AXIAL = [1, 0, 0, 0, 1, 0]
CORONAL = [1, 0, 0, 0, 0, -1]
SAGITTAL = [0, 1, 0, 0, 0, -1]


def edges(iop: list[float]) -> dict[str, str]:
    found = from_vectors(iop[:3], iop[3:])
    assert found is not None
    return found.edges


@pytest.mark.parametrize(("iop", "expected", "view"), [
    (AXIAL, {"left": "R", "right": "L", "top": "A", "bottom": "P"}, Viewpoint.FEET),
    (CORONAL, {"left": "R", "right": "L", "top": "H", "bottom": "F"}, Viewpoint.FRONT),
    (SAGITTAL, {"left": "A", "right": "P", "top": "H", "bottom": "F"}, Viewpoint.LEFT),
    ([-1, 0, 0, 0, 1, 0], {"left": "L", "right": "R", "top": "A", "bottom": "P"}, Viewpoint.HEAD),
    ([-1, 0, 0, 0, 0, -1], {"left": "L", "right": "R", "top": "H", "bottom": "F"}, Viewpoint.BEHIND),
])
def test_standard_orientations(iop: list[float], expected: dict[str, str], view: Viewpoint) -> None:
    assert edges(iop) == expected
    found = from_vectors(iop[:3], iop[3:])
    assert found is not None and found.viewpoint is view


def test_oblique_views_combine_letters_strongest_first() -> None:
    a = math.radians(30)  # axial rotated 30 degrees about the body's long axis
    got = edges([math.cos(a), math.sin(a), 0, -math.sin(a), math.cos(a), 0])
    assert got == {"right": "LP", "left": "RA", "bottom": "PR", "top": "AL"}
    b = math.radians(10)  # a small tilt (under the 0.3 threshold) keeps one letter
    assert edges([math.cos(b), math.sin(b), 0, -math.sin(b), math.cos(b), 0])["right"] == "L"
    # a double-oblique plane uses up to three letters
    row = [0.8, 0.36, 0.48]
    col = [-0.6, 0.48, 0.64]
    assert edges(row + col)["right"] == "LHP"


def test_reading_sentences() -> None:
    en, es = translator("en"), translator("es")
    axial = from_vectors(AXIAL[:3], AXIAL[3:])
    assert axial is not None
    assert reading_sentence(axial, en) == ("Seen as if looking up from your feet: your left side is on the "
                                           "right of the picture.")
    assert reading_sentence(axial, es) == ("Visto como si mirara desde sus pies hacia arriba: su lado "
                                           "izquierdo está a la derecha de la imagen.")
    sagittal = from_vectors(SAGITTAL[:3], SAGITTAL[3:])
    assert sagittal is not None
    assert reading_sentence(sagittal, en) == ("Seen as if looking at your left side: the front of your body "
                                              "is on the left of the picture.")
    coronal = from_vectors(CORONAL[:3], CORONAL[3:])
    assert coronal is not None and reading_sentence(coronal, en).startswith("Seen as if you were facing us")


def test_patient_orientation_and_header_sources() -> None:
    chest = from_patient_orientation(["L", "F"])  # a PA chest X-ray as displayed
    assert chest is not None and chest.edges == {"left": "R", "right": "L", "top": "H", "bottom": "F"}
    assert chest.viewpoint is Viewpoint.FRONT
    oblique = from_patient_orientation(["LP", "F"])
    assert oblique is not None and (oblique.right, oblique.left) == ("LP", "RA")
    assert from_patient_orientation(["CR", "F"]) is None  # not body letters: nothing printed
    ds = Dataset()
    assert orientation_for(ds) is None
    ds.PatientOrientation = ["A", "F"]
    found = orientation_for(ds)
    assert found is not None and found.right == "A"
    ds.ImageOrientationPatient = AXIAL  # the plane's cosines win over Patient Orientation
    found = orientation_for(ds)
    assert found is not None and found.right == "L"
    ds.ImageOrientationPatient = [1, 0, 0, 1, 0, 0]  # not perpendicular: falls back
    found = orientation_for(ds)
    assert found is not None and found.right == "A"


def test_enhanced_multiframe_plane_orientation() -> None:
    ds = Dataset()
    plane = Dataset()
    plane.ImageOrientationPatient = SAGITTAL
    group = Dataset()
    group.PlaneOrientationSequence = [plane]
    ds.SharedFunctionalGroupsSequence = [group]
    found = orientation_for(ds, 3)
    assert found is not None and found.right == "P"


def test_letters_printed_at_the_image_edges(tmp_path: Path) -> None:
    """On the page, each letter sits outside the matching edge of the picture."""
    a = math.radians(30)
    iop = [math.cos(a), math.sin(a), 0, -math.sin(a), math.cos(a), 0]
    path = write_dicom(tmp_path, "ob.dcm", rows=100, columns=160, color=True,
                       pixels=np.full((100, 160, 3), (40, 170, 90), dtype=np.uint8),
                       attributes={"ImageOrientationPatient": iop, "Modality": "CT",
                                   "BodyPartExamined": "CHEST"})
    data, _, _ = build_pdf_bytes(session_from_files([path]))
    text = pdf_text(data)
    assert "CT scan of the chest" in text
    assert "Seen as if looking up from your feet" in text
    scale = 4.0
    page = render_page(data, 0, scale)
    green = np.all(np.abs(page.astype(int) - (40, 170, 90)) <= 6, axis=-1)
    rows, cols = np.nonzero(green)
    height_pt = page.shape[0] / scale
    left, right = cols.min() / scale, cols.max() / scale
    top, bottom = height_pt - rows.min() / scale, height_pt - rows.max() / scale  # PDF y grows upwards
    chars = char_boxes(data)
    text_all = "".join(c for c, _ in chars)

    def box_of(word: str) -> tuple[float, float, float, float]:
        index = next(i for i in range(len(chars) - len(word) + 1)
                     if text_all[i:i + len(word)] == word
                     and left - 40 < chars[i][1][0] < right + 40 and bottom - 40 < chars[i][1][1] < top + 40)
        boxes = [b for _, b in chars[index:index + len(word)]]
        return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
                max(b[3] for b in boxes))

    _, ly0, lx1, ly1 = box_of("RA")
    assert lx1 <= left and bottom < (ly0 + ly1) / 2 < top  # left edge, halfway up
    rx0, ry0, _, ry1 = box_of("LP")
    assert rx0 >= right and bottom < (ry0 + ry1) / 2 < top
    tx0, ty0, tx1, _ = box_of("AL")
    assert ty0 >= top and left < (tx0 + tx1) / 2 < right
    bx0, _, bx1, by1 = box_of("PR")
    assert by1 <= bottom and left < (bx0 + bx1) / 2 < right


def test_no_orientation_no_letters(tmp_path: Path) -> None:
    path = write_dicom(tmp_path, "plain.dcm", modality="OT")
    data, _, _ = build_pdf_bytes(session_from_files([path]))
    text = pdf_text(data)
    assert "Seen as if" not in text and "Letters at the edges" not in text
