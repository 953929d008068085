"""Overlays in print: colours stay distinguishable in greyscale (line styles), labels keep a minimum size."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import numpy as np
import pypdf
from PIL import Image

from takehome.annotations.model import Overlay, Point, ShapeKind
from takehome.handouts.build import build_pdf_bytes, session_from_files
from takehome.handouts.pdf.overlays import DASHES, MIN_LABEL_SIZE, line_styles
from tests.handouts.templates.helpers import render_page, write_dicom

BACKGROUND = (60, 60, 160)


def test_each_colour_gets_its_own_line_style() -> None:
    shapes = tuple(Overlay(ShapeKind.RECTANGLE, (Point(0, 0), Point(5, 5)), color=c)
                   for c in ("#ff0000", "#00a000", "#FF0000", "#0000ff", "#ffff00"))
    styles = line_styles(shapes)
    assert list(styles) == ["#ff0000", "#00a000", "#0000ff", "#ffff00"]  # same colour, same style
    assert len({styles[c] for c in list(styles)[:len(DASHES)]}) == len(DASHES)


def test_two_colours_of_equal_grey_differ_in_greyscale_print(tmp_path: Path) -> None:
    """Red and a green of the same luminance print as the same grey; their line patterns tell them apart."""
    pixels = np.full((200, 200, 3), BACKGROUND, dtype=np.uint8)
    path = write_dicom(tmp_path, "g.dcm", rows=200, columns=200, color=True, pixels=pixels)
    session = session_from_files([path])
    red = Overlay(ShapeKind.RECTANGLE, (Point(20, 30), Point(180, 80)), color="#ff0000")
    green = Overlay(ShapeKind.RECTANGLE, (Point(20, 120), Point(180, 170)), color="#00a000")
    session = session.replace_image(0, replace(session.key_images[0], overlays=(red, green)))
    data, _, _ = build_pdf_bytes(session)
    page = render_page(data, 0, 4.0)
    grey_page = np.asarray(Image.fromarray(page).convert("L")).astype(int)
    image = np.all(np.abs(page.astype(int) - BACKGROUND) <= 3, axis=-1)
    rows, cols = np.nonzero(image)
    top, left = rows.min(), cols.min()
    scale = (cols.max() - left + 1) / 200

    def edge_profile(y: float) -> np.ndarray:
        row = round(float(top + y * scale))
        x0, x1 = int(left + 40 * scale), int(left + 160 * scale)
        # the brightest sample across the stroke's width at each x: the coloured line, or casing in gaps
        return np.asarray(grey_page[row - 2:row + 3, x0:x1].max(axis=0))

    solid, dashed = edge_profile(30), edge_profile(120)
    assert abs(np.median(solid) - np.median(dashed[dashed > 60])) < 25  # similar greys...
    assert solid.std() < 8  # ...but one is continuous
    assert (dashed < 40).mean() > 0.2 and dashed.std() > 25  # and the other broken by dark gaps


def test_labels_never_shrink_below_the_minimum(tmp_path: Path) -> None:
    paths = [write_dicom(tmp_path, f"{n}.dcm", rows=300, columns=300) for n in range(4)]
    session = session_from_files(paths)
    arrow = Overlay(ShapeKind.ARROW, (Point(30, 30), Point(150, 150)), label="the spot", color="#ffd400")
    session = session.replace_image(0, replace(session.key_images[0], overlays=(arrow,)))
    data, _, _ = build_pdf_bytes(session, choices={"images_per_page": 4})
    sizes: list[float] = []

    def visit(text: str, cm: object, tm: list[float], font: object, size: float) -> None:
        if "the spot" in text:
            sizes.append(size * abs(tm[3]))

    pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text(visitor_text=visit)
    assert sizes and min(sizes) >= MIN_LABEL_SIZE
