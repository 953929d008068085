"""The scale bar: its printed length measured on the rendered page against the image's known spacing."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from pydicom.dataset import Dataset

from takehome.annotations.spacing import Spacing, SpacingSource
from takehome.handouts.build import build_pdf_bytes, session_from_files
from takehome.handouts.legend import choose_scale_bar
from tests.handouts.templates.helpers import pdf_text, render_page, write_dicom

COLOUR = (40, 170, 90)
SCALE = 6.0  # render at 432 dpi


def measure(data: bytes) -> tuple[float, float, float]:
    """(image width, bar length, bar thickness) in rendered pixels, found from the page's pixels."""
    page = render_page(data, 0, SCALE).astype(int)
    image = np.all(np.abs(page - COLOUR) <= 6, axis=-1)
    rows, cols = np.nonzero(image)
    image_width = cols.max() - cols.min() + 1
    below = page[rows.max() + 2: rows.max() + int(40 * SCALE)]
    dark = np.all(below < 60, axis=-1)
    # the bar is the longest run of dark pixels in a row beneath the picture
    best, thickness = 0, 0
    for row in dark:
        padded = np.concatenate(([0], row.astype(int), [0]))
        edges = np.flatnonzero(np.diff(padded))
        runs = edges[1::2] - edges[::2]
        longest = int(runs.max()) if runs.size else 0
        if longest > best * 1.02:
            best, thickness = longest, 1
        elif longest >= best * 0.98 and longest > 0:
            thickness += 1
    return float(image_width), float(best), float(thickness)


def bar_label_mm(text: str) -> float:
    match = re.search(r"^(\d+(?:\.\d+)?) (mm|cm)$", text, re.MULTILINE)
    assert match, text
    value = float(match.group(1))
    return value * 10 if match.group(2) == "cm" else value


def flat(rows: int, columns: int) -> np.ndarray:
    return np.full((rows, columns, 3), COLOUR, dtype=np.uint8)


@pytest.mark.parametrize(("columns", "spacing"), [(200, 0.5), (160, 0.7), (300, 0.2), (120, 2.5)])
def test_bar_length_matches_pixel_spacing_on_the_page(tmp_path: Path, columns: int, spacing: float
                                                      ) -> None:
    path = write_dicom(tmp_path, "a.dcm", rows=100, columns=columns, color=True,
                       pixels=flat(100, columns), spacing=(spacing, spacing))
    data, _, _ = build_pdf_bytes(session_from_files([path]))
    image_px, bar_px, thickness = measure(data)
    bar_mm = bar_label_mm(pdf_text(data))
    image_mm = columns * spacing
    # the bar is to the picture as its length in mm is to the picture's width in mm
    assert bar_px / image_px == pytest.approx(bar_mm / image_mm, rel=0.015)
    assert bar_px / image_px <= 0.3 + 1e-6 and thickness >= 2


def test_imager_pixel_spacing_and_ultrasound_regions(tmp_path: Path) -> None:
    xray = write_dicom(tmp_path, "dx.dcm", rows=100, columns=200, color=True, pixels=flat(100, 200),
                       spacing=None, modality="DX",
                       attributes={"ImagerPixelSpacing": [0.4, 0.4],
                                   "EstimatedRadiographicMagnificationFactor": 1.25})
    data, _, _ = build_pdf_bytes(session_from_files([xray]))
    image_px, bar_px, _ = measure(data)
    assert bar_px / image_px == pytest.approx(bar_label_mm(pdf_text(data)) / (200 * 0.32), rel=0.015)

    region = Dataset()
    region.RegionLocationMinX0, region.RegionLocationMinY0 = 0, 0
    region.RegionLocationMaxX1, region.RegionLocationMaxY1 = 199, 99
    region.PhysicalUnitsXDirection = region.PhysicalUnitsYDirection = 3  # cm
    region.PhysicalDeltaX = region.PhysicalDeltaY = 0.03  # cm per pixel
    us = write_dicom(tmp_path, "us.dcm", rows=100, columns=200, color=True, pixels=flat(100, 200),
                     spacing=None, modality="US", attributes={"SequenceOfUltrasoundRegions": [region]})
    data, _, _ = build_pdf_bytes(session_from_files([us]))
    image_px, bar_px, _ = measure(data)
    assert bar_px / image_px == pytest.approx(bar_label_mm(pdf_text(data)) / (200 * 0.3), rel=0.015)


def test_no_spacing_no_bar(tmp_path: Path) -> None:
    path = write_dicom(tmp_path, "a.dcm", rows=100, columns=200, color=True, pixels=flat(100, 200),
                       spacing=None, modality="OT")
    data, _, _ = build_pdf_bytes(session_from_files([path]))
    _, bar_px, _ = measure(data)
    text = pdf_text(data)
    assert bar_px < 10  # nothing bar-like under the picture
    assert not re.search(r"^\d+ (mm|cm)$", text, re.MULTILINE)
    assert "black bar" not in text


def test_choose_scale_bar_rounds_and_refuses_guesses() -> None:
    spacing = Spacing(0.5, 0.5, SpacingSource.PIXEL_SPACING)
    assert choose_scale_bar(None, 1.0, 300) is None
    bar = choose_scale_bar(spacing, 1.0, 300)  # 2 pt per mm, at most 90 pt -> 20 mm = 40 pt
    assert bar is not None and bar.length_mm == 20 and bar.label == "2 cm"
    assert bar.length_pt == pytest.approx(40)
    tiny = choose_scale_bar(Spacing(0.05, 0.05, SpacingSource.PIXEL_SPACING), 1.0, 300)
    assert tiny is not None and tiny.label == "2 mm"
    assert choose_scale_bar(Spacing(50, 50, SpacingSource.PIXEL_SPACING), 0.1, 100) is None  # too short
