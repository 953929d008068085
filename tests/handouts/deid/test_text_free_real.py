"""Precision of burned-in text detection: pydicom's real text-free grey images at several windows."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pydicom
import pytest
from numpy.typing import NDArray
from pydicom.errors import InvalidDicomError

from takehome.annotations.model import Window
from takehome.handouts.deid import Identifiers
from takehome.handouts.deid.ocr import tesseract_available
from takehome.handouts.deid.pixels import Evidence, detect_text
from takehome.handouts.display import grey_values, percentile_window, render
from takehome.handouts.errors import DecodeError
from takehome.handouts.sample import demo_session
from takehome.handouts.source import read_dataset

needs_ocr = pytest.mark.skipif(not tesseract_available(), reason="needs tesseract-ocr")
#: Images smaller than this on a side (10×10 dose grids, 45×10 strips) cannot hold a line of text.
_MIN_SIDE = 32
#: The test files pydicom ships (what ``get_testdata_files`` finds without downloading).
_PYDICOM_FILES = Path(pydicom.data.__file__).parent / "test_files"


def _grey_files() -> list[str]:
    """pydicom's grey test images that decode (all were checked by eye: none shows burned-in text)."""
    names = []
    for path in sorted(_PYDICOM_FILES.glob("*.dcm")):
        try:
            with warnings.catch_warnings():  # some files are malformed on purpose
                warnings.simplefilter("ignore")
                values = grey_values(pydicom.dcmread(path), 1)
        except (InvalidDicomError, DecodeError):
            continue
        if values is not None and values.values.ndim == 2 and min(values.values.shape) >= _MIN_SIDE:
            names.append(path.name)
    return names


def _windows(modality: str, values: NDArray[np.generic]) -> dict[str, Window | None]:
    """The header's window and two others a clinician would choose: percentile and a narrow one."""
    wide = percentile_window(values)
    body = values[values > wide.center - 0.4 * wide.width]  # the body, not the air around it
    centre = float(np.median(body)) if body.size else wide.center
    narrow = Window(40.0, 400.0) if modality == "CT" else Window(centre, max(1.0, wide.width / 2))
    return {"header": None, "percentile": wide, "narrow": narrow}


@needs_ocr
@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("name", _grey_files())
def test_pydicom_grey_images_have_no_text_regions_at_any_window(name: str) -> None:
    path = _PYDICOM_FILES / name
    ds = pydicom.dcmread(path)
    values = grey_values(ds, 1)
    assert values is not None
    for label, window in _windows(str(ds.get("Modality", "")), values.values).items():
        pixels = render(ds, 1, window).pixels
        regions = detect_text(pixels, Identifiers.from_dataset(ds), Evidence.from_dataset(ds))
        assert regions == [], (name, label, window)


@needs_ocr
def test_the_demo_key_image_has_no_text_regions() -> None:
    key = demo_session().key_images[0]
    ds = read_dataset(key.file)
    pixels = render(ds, key.frame, key.window).pixels
    assert detect_text(pixels, Identifiers.from_dataset(ds), Evidence.from_dataset(ds)) == []
