"""Windowing integer pixels through a table of their value range gives the very pixels of the plain
pipeline (modality LUT over the whole image, then pydicom's windowing in float64)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray
from pydicom.dataset import Dataset
from pydicom.sequence import Sequence

from takehome.annotations import Window
from takehome.handouts import display
from takehome.handouts.display import decode_frame, frame_count, render
from takehome.handouts.errors import DecodeError, InputError
from takehome.handouts.source import read_dataset
from tests.conftest import make_dataset

from .test_display import IMAGE_FILES


def plain(ds: Dataset, frame: int = 1, window: Window | None = None) -> NDArray[np.uint8]:
    """The grey pipeline as it was before the table: every step over the whole image."""
    arr, photometric = decode_frame(ds, frame)
    view = display._lut_view(ds, frame)
    values = display.apply_modality_lut(arr, view) \
        if ("RescaleSlope" in view or "ModalityLUTSequence" in view) else arr
    used = window or display.header_window(ds, frame) or display.percentile_window(np.asarray(values))
    function = str(view.get("VOILUTFunction", "LINEAR")).upper()
    out = display._window_to_uint8(np.asarray(values), used, function)
    inverse = str(view.get("PresentationLUTShape", "")).upper() == "INVERSE"
    if (photometric == "MONOCHROME1") != inverse:
        out = np.subtract(255, out, dtype=np.uint8)
    return out


def _grey(ds: Dataset) -> bool:
    return str(ds.get("PhotometricInterpretation", "")) in ("MONOCHROME1", "MONOCHROME2") \
        and not ds.get("VOILUTSequence")


def _shipped_grey() -> list[Path]:
    found = []
    for path in IMAGE_FILES:
        try:
            ds = read_dataset(path)
            if _grey(ds):
                render(ds, 1)
                found.append(path)
        except (InputError, DecodeError):
            continue
    return found


SHIPPED_GREY = _shipped_grey()


def test_the_grey_corpus_is_real() -> None:
    assert len(SHIPPED_GREY) >= 25


@pytest.mark.parametrize("path", SHIPPED_GREY, ids=lambda p: p.name)
def test_every_shipped_grey_image_is_unchanged(path: Path) -> None:
    ds = read_dataset(path)
    for frame in sorted({1, frame_count(ds)}):
        for window in (None, Window(40, 400), Window(-600, 1), Window(1000.5, 3000)):
            assert np.array_equal(render(ds, frame, window).pixels, plain(ds, frame, window))


def _ct(pixels: NDArray[np.integer], signed: bool = False) -> Dataset:
    ds = make_dataset(*pixels.shape, pixels=pixels)
    ds.PixelRepresentation = int(signed)
    ds.BitsStored, ds.HighBit = 16, 15
    return ds


def _noise(dtype: type[np.integer], low: int, high: int,
           shape: tuple[int, int] = (96, 128)) -> NDArray[np.integer]:
    return np.random.default_rng(7).integers(low, high, shape, endpoint=True).astype(dtype)


CASES = {
    "uint16 CT, rescale": _ct(_noise(np.uint16, 0, 4095)),
    "int16, negative values": _ct(_noise(np.int16, -2048, 3071), signed=True),
    "int16, the full range": _ct(_noise(np.int16, -32768, 32767, (256, 256)), signed=True),
    "uint16, wider than the image": _ct(_noise(np.uint16, 0, 65535, (16, 16))),
    "one pixel": _ct(np.array([[1234]], dtype=np.uint16)),
    "flat": _ct(np.full((32, 32), 77, dtype=np.uint16)),
}


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("function", ["LINEAR", "LINEAR_EXACT", "SIGMOID"])
@pytest.mark.parametrize("window", [None, Window(40, 400), Window(0.5, 1), Window(-1000, 5)])
def test_integer_pixels_are_windowed_as_before(name: str, function: str, window: Window | None) -> None:
    ds = CASES[name]
    ds.VOILUTFunction = function
    with np.errstate(over="ignore"):  # a sigmoid of a one-unit window overflows exp(): 0 either way
        assert np.array_equal(render(ds, 1, window).pixels, plain(ds, 1, window))
        del ds.WindowCenter, ds.WindowWidth  # the percentile window
        try:
            assert np.array_equal(render(ds, 1, window).pixels, plain(ds, 1, window))
        finally:
            ds.WindowCenter, ds.WindowWidth = 40, 400


def test_monochrome1_slope_and_no_rescale_are_unchanged() -> None:
    ds = _ct(_noise(np.uint16, 100, 3000))
    ds.PhotometricInterpretation = "MONOCHROME1"
    ds.RescaleSlope, ds.RescaleIntercept = 0.37, -17.25
    assert np.array_equal(render(ds).pixels, plain(ds))
    del ds.RescaleSlope, ds.RescaleIntercept
    assert np.array_equal(render(ds).pixels, plain(ds))


def test_a_modality_lut_sequence_is_unchanged() -> None:
    ds = _ct(_noise(np.uint16, 0, 600))
    del ds.RescaleSlope, ds.RescaleIntercept
    item = Dataset()
    item.LUTDescriptor = [512, 50, 16]
    item.LUTData = [int(v) for v in (np.arange(512) * 7 + 3) % 4096]
    item.ModalityLUTType = "HU"
    ds.ModalityLUTSequence = Sequence([item])
    ds.WindowCenter, ds.WindowWidth = 1500, 2000
    assert np.array_equal(render(ds).pixels, plain(ds))
