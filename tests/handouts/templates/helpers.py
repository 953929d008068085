"""Helpers shared by the template, legend, glossary and language tests: DICOM files and PDF readers."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pypdf
import pypdfium2 as pdfium
from PIL import Image

from tests.conftest import make_dataset


def write_dicom(folder: Path, name: str = "image.dcm", *, attributes: dict[str, Any] | None = None,
                **kwargs: Any) -> Path:
    """A synthetic DICOM file with extra header ``attributes`` (IOP, BodyPartExamined, ...)."""
    ds = make_dataset(**kwargs)
    for key, value in (attributes or {}).items():
        setattr(ds, key, value)
    path = folder / name
    ds.save_as(path, enforce_file_format=True)
    return path


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def render_page(data: bytes, index: int = 0, scale: float = 4.0) -> np.ndarray:
    """Page ``index`` rendered to RGB pixels at ``scale`` x 72 dpi."""
    document = pdfium.PdfDocument(data)
    try:
        bitmap = document[index].render(scale=scale)
        return np.asarray(bitmap.to_pil().convert("RGB")).copy()
    finally:
        document.close()


def char_boxes(data: bytes, index: int = 0) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Every character of page ``index`` with its box (left, bottom, right, top) in PDF points."""
    document = pdfium.PdfDocument(data)
    try:
        textpage = document[index].get_textpage()
        out = []
        for i in range(textpage.count_chars()):
            ch = textpage.get_text_range(i, 1)
            out.append((ch, textpage.get_charbox(i)))
        textpage.close()
        return out
    finally:
        document.close()


def write_png(path: Path, width: int, height: int, colour: tuple[int, int, int] = (31, 78, 121)) -> Path:
    Image.new("RGB", (width, height), colour).save(path)
    return path
